/**
 * Removes the Authenticode signature from a PE executable held in memory (what `signtool remove /s`
 * does), so that node.exe with the SEA blob injected is plainly unsigned rather than carrying a
 * signature that no longer matches. Sign the result with your own certificate (docs/deploy.md).
 */
export function stripAuthenticode(exe: Buffer): Buffer {
  if (exe.length < 0x40 || exe.toString('latin1', 0, 2) !== 'MZ') throw new Error('not a PE executable (no MZ header)');
  const pe = exe.readUInt32LE(0x3c);
  if (pe + 24 > exe.length || exe.toString('latin1', pe, pe + 4) !== 'PE\0\0') throw new Error('not a PE executable (no PE header)');
  const optional = pe + 24;
  const magic = exe.readUInt16LE(optional);
  const directories = magic === 0x20b ? optional + 112 : magic === 0x10b ? optional + 96 : -1;
  if (directories < 0) throw new Error(`unknown PE optional header magic 0x${magic.toString(16)}`);
  const security = directories + 4 * 8; // IMAGE_DIRECTORY_ENTRY_SECURITY
  const offset = exe.readUInt32LE(security);
  const size = exe.readUInt32LE(security + 4);
  if (offset === 0 || size === 0) return exe;
  if (offset + size > exe.length) throw new Error('PE certificate table points past the end of the file');
  const out = Buffer.from(exe.subarray(0, offset + size === exe.length ? offset : exe.length));
  out.writeUInt32LE(0, security);
  out.writeUInt32LE(0, security + 4);
  out.writeUInt32LE(0, optional + 64); // CheckSum: not verified for user-mode programs; 0 = not set
  return out;
}
