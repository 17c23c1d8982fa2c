// The installed portal's push subscriptions: each signed-in person turns push on and off for their
// own devices (a row is found by the device's endpoint and the person, so no one reaches another's).
import type { MatrixRoute } from './matrix.ts';

const device = {
  endpoint: 'https://fcm.googleapis.com/fcm/send/route-matrix-device',
  p256dh: `B${'A'.repeat(86)}`,
  auth: 'A'.repeat(22),
};

export const routes: MatrixRoute[] = [
  { method: 'POST', path: '/push/subscriptions', url: () => '/push/subscriptions', form: device, ownedByClient: false, ownerStatus: [204] },
  {
    method: 'POST',
    path: '/push/subscriptions/remove',
    url: () => '/push/subscriptions/remove',
    form: { endpoint: device.endpoint },
    ownedByClient: false,
    ownerStatus: [204],
  },
];
