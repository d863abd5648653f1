import type { AdapterModule } from '../registry.js';
import { ApkPackageManager } from './adapter.js';
import { detectApk } from './detect.js';
import { parseApkInstalled, parseApkRun, parseApkVersionList } from './parse.js';

export { ApkPackageManager, APK_CAPABILITIES } from './adapter.js';
export { detectApk } from './detect.js';

export const apkModule: AdapterModule = {
  factory: {
    name: 'apk',
    detect: detectApk,
    create: (deps) => new ApkPackageManager(deps),
  },
  parsers: {
    installed: parseApkInstalled,
    updates: (text) => parseApkVersionList(text),
    apply: parseApkRun,
  },
};
