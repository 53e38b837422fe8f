import { gql } from './api';

/** "تنبيهات عاجلة": breaking-news notifications through the browser's push service and the worker at /sw.js. */
const STORAGE_KEY = 'khabar.alerts';
const LABEL_ON = 'إيقاف التنبيهات العاجلة';
const LABEL_OFF = 'تنبيهات عاجلة';

interface Registration {
  id: string;
  secret: string;
}

function stored(): Registration | null {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Registration | null;
  } catch {
    return null;
  }
}

async function subscribe(worker: ServiceWorkerRegistration): Promise<Registration> {
  const { webPushPublicKey } = await gql<{ webPushPublicKey: string | null }>('{ webPushPublicKey }');
  if (!webPushPublicKey) throw new Error('off');
  if ((await Notification.requestPermission()) !== 'granted') throw new Error('denied');
  const subscription = await worker.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: webPushPublicKey });
  const { endpoint, keys } = subscription.toJSON() as { endpoint: string; keys: { p256dh: string; auth: string } };
  const { registerDevice } = await gql<{ registerDevice: Registration }>(
    'mutation ($input: RegisterDeviceInput!) { registerDevice(input: $input) { id secret } }',
    { input: { platform: 'WEB', webPush: { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } }, minUrgency: 2, locale: 'ar' } });
  localStorage.setItem(STORAGE_KEY, JSON.stringify(registerDevice));
  return registerDevice;
}

async function unsubscribe(worker: ServiceWorkerRegistration, registration: Registration): Promise<void> {
  await gql('mutation ($id: ID!, $secret: String!) { unregisterDevice(id: $id, secret: $secret) }', { ...registration }).catch(() => undefined);
  await (await worker.pushManager.getSubscription())?.unsubscribe();
  localStorage.removeItem(STORAGE_KEY);
}

/** Shows the opt-in where the browser can do push; the worker is registered at once, so notifications work when the page is closed. */
export async function startAlerts(button: HTMLButtonElement, status: (message: string | null) => void): Promise<void> {
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return;
  const worker = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  const render = () => {
    const on = stored() !== null;
    button.textContent = on ? LABEL_ON : LABEL_OFF;
    button.setAttribute('aria-pressed', String(on));
  };
  render();
  button.hidden = false;
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const current = stored();
      if (current) await unsubscribe(worker, current);
      else await subscribe(worker);
      status(null);
    } catch (error) {
      const reason = (error as Error).message;
      status(reason === 'denied' ? 'لم يُسمح بالإشعارات في هذا المتصفح.' : 'تعذر تفعيل التنبيهات العاجلة الآن، حاول لاحقا.');
    } finally {
      button.disabled = false;
      render();
    }
  });
}
