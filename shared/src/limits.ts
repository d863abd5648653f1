/** Length limits applied to every string that crosses a trust boundary. */
export const LIMITS = {
  id: 128,
  hostname: 255,
  shortText: 256,
  packageName: 256,
  version: 256,
  arch: 64,
  title: 1024,
  message: 4096,
  outputTail: 16_384,
  listItems: 200_000,
  smallList: 1_000,
  /** Largest WebSocket frame the server accepts (bytes). */
  maxFrameBytes: 4 * 1024 * 1024,
} as const;
