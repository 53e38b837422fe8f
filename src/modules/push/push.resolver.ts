import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { badInput } from '../../shared/errors';
import { RegisterDeviceInput, UpdateDeviceInput } from './device.inputs';
import { DeviceRegistration, DeviceType, PushDeliveries } from './device.type';
import type { PushService } from './push';

function pushOf(ctx: Context): PushService {
  if (!ctx.push) throw badInput('Push notifications are off on this server.', undefined, { reason: 'PUSH_DISABLED' });
  return ctx.push;
}

/** Readers' devices for breaking-news notifications (anonymous: a registration's secret is its proof), and editors' view of deliveries. */
@Resolver()
export class PushResolver {
  @Mutation(() => DeviceRegistration, { description: 'Registers a device for breaking-news notifications; keep the secret. Limited per client address.' })
  async registerDevice(@Arg('input', () => RegisterDeviceInput, { description: 'The device and what it wants to hear of.' }) input: RegisterDeviceInput, @Ctx() ctx: Context): Promise<DeviceRegistration> {
    const push = pushOf(ctx);
    await push.checkRegistrationRate(ctx.clientAddress);
    return push.devices.register(input);
  }

  @Mutation(() => DeviceType, { description: 'Changes a registration: a new token or subscription, regions, urgency, language.' })
  updateDevice(
    @Arg('id', () => ID, { description: 'The registration\'s id.' }) id: string,
    @Arg('secret', { description: 'The secret registerDevice returned.' }) secret: string,
    @Arg('input', () => UpdateDeviceInput, { description: 'The changes.' }) input: UpdateDeviceInput,
    @Ctx() ctx: Context,
  ): Promise<DeviceType> {
    return pushOf(ctx).devices.update(id, secret, input);
  }

  @Mutation(() => Boolean, { description: 'Removes a registration: the device gets no more notifications.' })
  unregisterDevice(
    @Arg('id', () => ID, { description: 'The registration\'s id.' }) id: string,
    @Arg('secret', { description: 'The secret registerDevice returned.' }) secret: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return pushOf(ctx).devices.unregister(id, secret);
  }

  @Authorized()
  @Query(() => PushDeliveries, { description: 'What happened to the notifications of a breaking-news item (editors).' })
  pushDeliveries(@Arg('tickerId', () => ID, { description: 'Global id of the breaking-news item.' }) tickerId: string, @Ctx() ctx: Context): Promise<PushDeliveries> {
    return pushOf(ctx).deliveries(tickerId);
  }

  @Query(() => String, { nullable: true, description: 'The VAPID public key browsers subscribe with (applicationServerKey); null when push is off.' })
  webPushPublicKey(@Ctx() ctx: Context): string | null {
    return ctx.push?.vapidPublicKey ?? null;
  }
}
