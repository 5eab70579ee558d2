import type { Artifact, Part } from '@a2a-js/sdk';
import type { JsonValue } from '@switchyard/core';
import { isJsonValue } from '@switchyard/core';

/** One artifact of an A2A task as a Switchyard result carries it: its name and its parts' values. */
export interface ArtifactJson {
  readonly artifactId: string;
  readonly name: string;
  readonly parts: JsonValue[];
}

function part(content: NonNullable<Part['content']>, mediaType: string): Part {
  return { content, metadata: undefined, filename: '', mediaType };
}

export function textPart(text: string): Part {
  return part({ $case: 'text', value: text }, 'text/plain');
}

export function dataPart(value: JsonValue): Part {
  return part({ $case: 'data', value }, 'application/json');
}

/** Task data as message parts: a string is one text part, any other JSON value one data part. */
export function partsOfTaskData(data: JsonValue): Part[] {
  return [typeof data === 'string' ? textPart(data) : dataPart(data)];
}

/**
 * A part's value: a text part's string, a data part's JSON, a file given by URL as
 * `{ url, mediaType, filename }`, raw bytes as `{ raw: <base64>, mediaType, filename }`.
 */
export function jsonOfPart(value: Part): JsonValue {
  const content = value.content;
  switch (content?.$case) {
    case 'text':
      return content.value;
    case 'data': {
      const data: unknown = content.value;
      return isJsonValue(data) ? data : null;
    }
    case 'url':
      return { url: content.value, mediaType: value.mediaType, filename: value.filename };
    case 'raw':
      return {
        raw: Buffer.from(content.value).toString('base64'),
        mediaType: value.mediaType,
        filename: value.filename,
      };
    default:
      return null;
  }
}

/** Message parts as task data: one part is its value, several an array of their values. */
export function taskDataOfParts(parts: readonly Part[]): JsonValue {
  if (parts.length === 1) return jsonOfPart(parts[0] as Part);
  return parts.map(jsonOfPart);
}

/** The text of the text parts, joined by new lines: a status message's words. */
export function textOfParts(parts: readonly Part[]): string {
  return parts
    .map((entry) => (entry.content?.$case === 'text' ? entry.content.value : ''))
    .filter((text) => text !== '')
    .join('\n');
}

export function artifactJson(artifact: Artifact): ArtifactJson {
  return { artifactId: artifact.artifactId, name: artifact.name, parts: artifact.parts.map(jsonOfPart) };
}
