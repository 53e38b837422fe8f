import fs from 'node:fs';
import path from 'node:path';
import type { PushConfig } from '../../config';
import { checkVapidKeys, generateVapidKeys, VapidKeys } from './providers/web-push';
import type { ApnsCredentials } from './providers/apns';
import type { FcmServiceAccount } from './providers/fcm';

/** What push can send with on this instance: VAPID always, APNs and FCM when their credentials are configured. */
export interface PushCredentials {
  vapid: VapidKeys;
  apns: ApnsCredentials | null;
  fcm: { account: FcmServiceAccount; endpoint: string; tokenUrl?: string } | null;
  extraCa?: string;
}

/**
 * VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY when set; otherwise a key pair kept in DATA_DIR/vapid.json, made on first start,
 * so browsers' subscriptions (bound to the public key) survive restarts. Every instance must share one pair.
 */
export function resolveVapidKeys(config: PushConfig, dataDir: string): VapidKeys {
  if (config.vapidPublicKey && config.vapidPrivateKey) {
    const keys = { publicKey: config.vapidPublicKey, privateKey: config.vapidPrivateKey, subject: config.vapidSubject };
    checkVapidKeys(keys);
    return keys;
  }
  const file = path.join(dataDir, 'vapid.json');
  if (fs.existsSync(file)) {
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { publicKey: string; privateKey: string };
    checkVapidKeys(stored);
    return { ...stored, subject: config.vapidSubject };
  }
  const keys = generateVapidKeys(config.vapidSubject);
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ publicKey: keys.publicKey, privateKey: keys.privateKey }), { mode: 0o600 });
  return keys;
}

export function resolvePushCredentials(config: PushConfig, dataDir: string): PushCredentials {
  const apns = config.apns;
  const fcm = config.fcm;
  const account = fcm ? JSON.parse(fcm.serviceAccount ?? fs.readFileSync(fcm.serviceAccountFile!, 'utf8')) as FcmServiceAccount : null;
  if (account && !(account.project_id && account.client_email && account.private_key && account.token_uri)) {
    throw new Error('the FCM service account needs project_id, client_email, private_key and token_uri');
  }
  return {
    vapid: resolveVapidKeys(config, dataDir),
    apns: apns ? { key: apns.key ?? fs.readFileSync(apns.keyFile!, 'utf8'), keyId: apns.keyId, teamId: apns.teamId, topic: apns.topic, endpoint: apns.endpoint } : null,
    fcm: fcm && account ? { account, endpoint: fcm.endpoint, tokenUrl: fcm.tokenUrl } : null,
    extraCa: config.extraCa ?? (config.extraCaFile ? fs.readFileSync(config.extraCaFile, 'utf8') : undefined),
  };
}
