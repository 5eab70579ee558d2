/** What every side sends and gets echoed back, so no system carries less than another. */
export const BENCH_PAYLOAD = {
  prompt: 'Summarize the attached text in one sentence.',
  attachments: ['a.txt'],
  n: 1,
} as const;
