// The one function Serval uses from fs-native-extensions (the package ships no types).
declare module 'fs-native-extensions' {
  const nativeFs: {
    /** Takes an exclusive (or, with `shared`, a shared) lock on the open file without waiting; false when another holds it. */
    tryLock(fd: number, options?: { shared?: boolean }): boolean
  }
  export default nativeFs
}
