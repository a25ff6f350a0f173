// Guards against out-of-order answers: with live search, the answer to "Ng" can arrive after the answer to
// "Nguyễn", and must not overwrite it. Each call gets a ticket; only the newest ticket's result is delivered.
export interface Latest {
  /** Runs `task`; resolves to its value, or to `stale` if a newer run started meanwhile. */
  run<T>(task: () => Promise<T>): Promise<{ stale: true } | { stale: false; value: T }>;
}

export function createLatest(): Latest {
  let ticket = 0;
  return {
    async run<T>(task: () => Promise<T>) {
      const mine = ++ticket;
      const value = await task();
      return mine === ticket ? { stale: false as const, value } : { stale: true as const };
    },
  };
}
