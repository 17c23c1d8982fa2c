// dolEncrypt (htdocs/core/lib/security.lib.php) as Dolibarr 17+ stores a sensitive setting in
// llx_const: AES-256-CTR, the instance key's bytes zero-padded to 32, a 16-character IV, base64.
import { createCipheriv } from 'node:crypto';

export function dolEncrypt(clear: string, key: string, iv = 'a1b2c3d4e5f6a7b8'): string {
  const keyBytes = Buffer.alloc(32);
  Buffer.from(key, 'utf8').copy(keyBytes);
  const cipher = createCipheriv('aes-256-ctr', keyBytes, Buffer.from(iv, 'latin1'));
  return `dolcrypt:AES-256-CTR:${iv}:${Buffer.concat([cipher.update(clear, 'utf8'), cipher.final()]).toString('base64')}`;
}
