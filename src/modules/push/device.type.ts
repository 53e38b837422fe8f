import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export type DevicePlatform = 'WEB' | 'ANDROID' | 'IOS';

export enum DevicePlatformEnum {
  WEB = 'WEB',
  ANDROID = 'ANDROID',
  IOS = 'IOS',
}
registerEnumType(DevicePlatformEnum, {
  name: 'DevicePlatform',
  description: 'Where a device receives push notifications.',
  valuesConfig: {
    WEB: { description: 'A browser, through its push service (Web Push with VAPID).' },
    ANDROID: { description: 'An Android app, through Firebase Cloud Messaging.' },
    IOS: { description: 'An iOS app, through the Apple Push Notification service.' },
  },
});

@ObjectType('Device', { description: 'A device registered for breaking-news notifications.' })
export class DeviceType {
  @Field(() => ID, { description: 'Its id; with its secret, it can change or remove the registration.' })
  id: string;

  @Field(() => DevicePlatformEnum, { description: 'Web, Android or iOS.' })
  platform: DevicePlatform;

  @Field(() => [String], { description: 'Regions followed (sub-regions included); empty for every region. National items reach every device.' })
  regionCodes: string[];

  @Field(() => Int, { description: 'Least urgent items notified: 1 = flashes only, 2 = flashes and urgent, 3 = everything.' })
  minUrgency: number;

  @Field({ description: 'Language of the notifications\' labels: "ar" or "fr".' })
  locale: string;
}

@ObjectType('DeviceRegistration', { description: 'A new registration: keep the secret, it is shown only this once.' })
export class DeviceRegistration {
  @Field(() => ID, { description: 'The registration\'s id.' })
  id: string;

  @Field({ description: 'Proves the registration is yours, for updateDevice and unregisterDevice.' })
  secret: string;

  @Field(() => DeviceType, { description: 'The registration as stored.' })
  device: DeviceType;
}

@ObjectType('PushDeliveries', { description: 'What happened to the notifications of one breaking-news item.' })
export class PushDeliveries {
  @Field(() => ID, { description: 'Global id of the item.' })
  tickerId: string;

  @Field(() => Int, { description: 'Waiting to be sent, being sent, or waiting for a retry.' })
  queued: number;

  @Field(() => Int, { description: 'Accepted by the push service.' })
  sent: number;

  @Field(() => Int, { description: 'Refused for good, the device gone, or out of retries.' })
  failed: number;

  @Field(() => Int, { description: 'Replaced by an update before it went out, or cancelled when the item was killed.' })
  cancelled: number;

  @Field(() => Int, { description: 'Not delivered within PUSH_TTL_SECONDS (or before the item left the air).' })
  expired: number;

  @Field(() => Date, { nullable: true, description: 'When the last notification was handed to its push service (send-complete).' })
  sendCompleteAt: Date | null;
}
