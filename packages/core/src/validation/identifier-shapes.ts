/**
 * IDENTIFIER_PATTERNS checked a character at a time, for the per-task paths: a regex test of a
 * fresh id cost ~140 ns (flattening the string first), this loop ~15. The regexes stay the
 * definition; identifier-shapes.spec.ts holds the two to the same answer on random strings.
 */
import { LIMITS } from '../models/limits.js';

const LETTER_OR_DIGIT = 1;
const UNDERSCORE_OR_DASH = 2;
const DOT = 4;
const COLON = 8;
const SLASH = 16;

/** The class bits of each ASCII character; anything else is in no class. */
const CLASSES = new Uint8Array(128);
for (let code = 0; code < 128; code++) {
  const character = String.fromCharCode(code);
  if (/[A-Za-z0-9]/.test(character)) CLASSES[code] = LETTER_OR_DIGIT;
  else if (character === '_' || character === '-') CLASSES[code] = UNDERSCORE_OR_DASH;
  else if (character === '.') CLASSES[code] = DOT;
  else if (character === ':') CLASSES[code] = COLON;
  else if (character === '/') CLASSES[code] = SLASH;
}

const MAX_ID_LENGTH = LIMITS.identifierLength;
const MAX_ADDRESS_LENGTH = LIMITS.nameLength;

/** A letter or digit, then characters of the classes in `rest`, LIMITS.identifierLength in all at most. */
function isIdentifier(value: unknown, rest: number): value is string {
  if (typeof value !== 'string') return false;
  const length = value.length;
  if (length === 0 || length > MAX_ID_LENGTH || ((CLASSES[value.charCodeAt(0)] ?? 0) & LETTER_OR_DIGIT) === 0)
    return false;
  for (let index = 1; index < length; index++) if (((CLASSES[value.charCodeAt(index)] ?? 0) & rest) === 0) return false;
  return true;
}

const TOKEN = LETTER_OR_DIGIT | UNDERSCORE_OR_DASH;

// Arrow functions: fieldChecks hands them on as its own.
export const identifierShapes = {
  /** IDENTIFIER_PATTERNS.agentId */
  isAgentId: (value: unknown): value is string => isIdentifier(value, TOKEN),

  /** IDENTIFIER_PATTERNS.taskId */
  isTaskId: (value: unknown): value is string => isIdentifier(value, TOKEN | DOT | COLON),

  /** IDENTIFIER_PATTERNS.capability */
  isCapability: (value: unknown): value is string => isIdentifier(value, TOKEN | DOT | COLON | SLASH),

  /** IDENTIFIER_PATTERNS.address, at most LIMITS.nameLength characters: tokens of letters, digits, "_", "-", one dot between each two. */
  isAddress: (value: unknown): value is string => {
    if (typeof value !== 'string') return false;
    const length = value.length;
    if (length === 0 || length > MAX_ADDRESS_LENGTH) return false;
    let tokenLength = 0;
    for (let index = 0; index < length; index++) {
      const code = value.charCodeAt(index);
      if (code === 46) {
        if (tokenLength === 0) return false;
        tokenLength = 0;
      } else if (((CLASSES[code] ?? 0) & TOKEN) !== 0) {
        tokenLength++;
      } else {
        return false;
      }
    }
    return tokenLength > 0;
  },
};
