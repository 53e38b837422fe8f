import { Field, InputType, Int } from 'type-graphql';
import { DevicePlatformEnum, type DevicePlatform } from './device.type';

@InputType('WebPushKeysInput', { description: 'The keys of a browser push subscription (PushSubscription.toJSON().keys).' })
export class WebPushKeysInput {
  @Field({ description: 'The browser\'s P-256 public key, base64url.' })
  p256dh: string;

  @Field({ description: 'The 16-byte authentication secret, base64url.' })
  auth: string;
}

@InputType('WebPushSubscriptionInput', { description: 'A browser push subscription (PushSubscription.toJSON()).' })
export class WebPushSubscriptionInput {
  @Field({ description: 'The push service URL: HTTPS on a known push service (WEB_PUSH_ALLOWED_HOSTS).' })
  endpoint: string;

  @Field(() => WebPushKeysInput, { description: 'Its encryption keys.' })
  keys: WebPushKeysInput;
}

@InputType('RegisterDeviceInput', { description: 'A device to notify of breaking news.' })
export class RegisterDeviceInput {
  @Field(() => DevicePlatformEnum, { description: 'Web, Android or iOS.' })
  platform: DevicePlatform;

  @Field(() => String, { nullable: true, description: 'ANDROID: the FCM registration token; IOS: the APNs device token (hex). Not for WEB.' })
  token?: string | null;

  @Field(() => WebPushSubscriptionInput, { nullable: true, description: 'WEB only: the browser\'s push subscription.' })
  webPush?: WebPushSubscriptionInput | null;

  @Field(() => [String], { nullable: true, description: 'Regions to follow (ISO 3166-2:MA), sub-regions included; none for every region.' })
  regionCodes?: string[] | null;

  @Field(() => Int, { nullable: true, description: 'Least urgent items to notify: 1 = flashes only, 2 = flashes and urgent, 3 = everything (default).' })
  minUrgency?: number | null;

  @Field(() => String, { nullable: true, description: 'Language of the labels: "ar" (default) or "fr".' })
  locale?: string | null;
}

@InputType('UpdateDeviceInput', { description: 'Changes to a registration; omitted fields stay as they are.' })
export class UpdateDeviceInput {
  @Field(() => String, { nullable: true, description: 'A new FCM or APNs token (apps get new ones from time to time).' })
  token?: string | null;

  @Field(() => WebPushSubscriptionInput, { nullable: true, description: 'A renewed browser subscription.' })
  webPush?: WebPushSubscriptionInput | null;

  @Field(() => [String], { nullable: true, description: 'Regions to follow instead; an empty list for every region.' })
  regionCodes?: string[] | null;

  @Field(() => Int, { nullable: true, description: 'Least urgent items to notify: 1, 2 or 3.' })
  minUrgency?: number | null;

  @Field(() => String, { nullable: true, description: 'Language of the labels: "ar" or "fr".' })
  locale?: string | null;
}
