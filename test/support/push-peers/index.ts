import type { PushConfig } from '../../../src/config';
import { generateVapidKeys, VapidKeys } from '../../../src/modules/push/providers/web-push';
import { startWebPushReceiver, WebPushReceiver } from './web-push-receiver';
import { startApnsServer, ApnsServer } from './apns-server';
import { startFcmServer, FcmServer } from './fcm-server';
import { makeTestCertificate } from './tls';

export interface PushPeers {
  web: WebPushReceiver;
  apns: ApnsServer;
  fcm: FcmServer;
  vapid: VapidKeys;
  /** Khabar's push settings for these peers (what production sets through APNS_*, FCM_*, VAPID_*, WEB_PUSH_ALLOWED_HOSTS). */
  config: Partial<PushConfig>;
  stop(): Promise<void>;
}

/** The three providers on free ports, one certificate for all (Khabar trusts it as an extra CA). */
export async function startPushPeers(): Promise<PushPeers> {
  const certificate = makeTestCertificate();
  const [web, apns, fcm] = await Promise.all([
    startWebPushReceiver({ certificate }), startApnsServer({ certificate }), startFcmServer({ certificate }),
  ]);
  const vapid = generateVapidKeys('mailto:push@khabar.test');
  return {
    web,
    apns,
    fcm,
    vapid,
    config: {
      enabled: true,
      vapidPublicKey: vapid.publicKey,
      vapidPrivateKey: vapid.privateKey,
      vapidSubject: vapid.subject,
      webPushAllowedHosts: [new URL(web.origin).host],
      apns: { key: apns.credentials.key, keyId: apns.credentials.keyId, teamId: apns.credentials.teamId, topic: apns.credentials.topic, endpoint: apns.origin },
      fcm: { serviceAccount: JSON.stringify(fcm.account), endpoint: fcm.origin },
      extraCa: certificate.cert,
    },
    async stop() {
      await Promise.all([web.stop(), apns.stop(), fcm.stop()]);
    },
  };
}
