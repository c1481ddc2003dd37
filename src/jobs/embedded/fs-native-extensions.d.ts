// The one function Serval uses from fs-native-extensions (the package ships no types).
declare module 'fs-native-extensions' {
  /** Takes an exclusive (or, with `shared`, a shared) lock on the open file without waiting; false when another holds it. */
  function tryLock(fd: number, options?: { shared?: boolean }): boolean
  const nativeFs: { tryLock: typeof tryLock }
  export default nativeFs
}
