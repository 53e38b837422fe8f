/// <reference lib="webworker" />
// The front page's service worker (/sw.js): shows breaking-news push notifications and opens what they point to.
export {};
declare const self: ServiceWorkerGlobalScope;

interface Alert {
  title: string;
  body: string;
  url: string;
  tag: string;
  cursor: string;
  urgency: string;
}

self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let alert: Alert;
  try {
    alert = event.data!.json() as Alert;
  } catch {
    return;
  }
  // One notification per item: an update (same tag) replaces it quietly instead of ringing twice.
  event.waitUntil(self.registration.showNotification(alert.title, {
    body: alert.body,
    tag: alert.tag,
    lang: 'ar',
    dir: 'rtl',
    icon: '/assets/favicon.svg',
    requireInteraction: alert.urgency === '1',
    data: { url: alert.url, cursor: alert.cursor },
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = (event.notification.data as { url?: string } | null)?.url ?? '/';
  event.waitUntil((async () => {
    const target = new URL(url, self.location.origin);
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const same = windows.find((client) => new URL(client.url).origin === target.origin);
    if (same && target.origin === self.location.origin) {
      await same.navigate(target.href);
      await same.focus();
      return;
    }
    await self.clients.openWindow(target.href);
  })());
});
