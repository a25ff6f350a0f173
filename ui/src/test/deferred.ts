// A promise the test settles when it chooses: how the tests make an earlier answer arrive after a later one.
export function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
