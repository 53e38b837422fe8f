import { CoreGraph1764400000000 } from './1764400000000-CoreGraph';
import { EventOutbox1764400100000 } from './1764400100000-EventOutbox';
import { OutboxUrgency1764400500000 } from './1764400500000-OutboxUrgency';
import { EditorialWorkflow1764400600000 } from './1764400600000-EditorialWorkflow';
import { ArabicSearch1764500000000 } from './1764500000000-ArabicSearch';
import { PersonFeed1764600000000 } from './1764600000000-PersonFeed';
import { ReferenceEvents1764700000000 } from './1764700000000-ReferenceEvents';
import { DeliveryEngine1764800000000 } from './1764800000000-DeliveryEngine';
import { PushDevices1764800100000 } from './1764800100000-PushDevices';
import { Media1764900000000 } from './1764900000000-Media';
import { LiveCoverage1765000000000 } from './1765000000000-LiveCoverage';
import { FasterSearchVectors1765100000000 } from './1765100000000-FasterSearchVectors';
import { Translations1765200000000 } from './1765200000000-Translations';
import { CrossScriptNames1765300000000 } from './1765300000000-CrossScriptNames';
import { HijriMonthStarts1765400000000 } from './1765400000000-HijriMonthStarts';
import { RegionFeed1765500000000 } from './1765500000000-RegionFeed';
import { Webhooks1765600000000 } from './1765600000000-Webhooks';
import { DeliveryJobConsumerCheck1765700000000 } from './1765700000000-DeliveryJobConsumerCheck';
import { CalendarEvents1765800000000 } from './1765800000000-CalendarEvents';

/** Every migration, in order; the CLI and the server both run this list. */
export const migrations = [
  CoreGraph1764400000000,
  EventOutbox1764400100000,
  OutboxUrgency1764400500000,
  EditorialWorkflow1764400600000,
  ArabicSearch1764500000000,
  PersonFeed1764600000000,
  ReferenceEvents1764700000000,
  DeliveryEngine1764800000000,
  PushDevices1764800100000,
  Media1764900000000,
  LiveCoverage1765000000000,
  FasterSearchVectors1765100000000,
  Translations1765200000000,
  CrossScriptNames1765300000000,
  HijriMonthStarts1765400000000,
  RegionFeed1765500000000,
  Webhooks1765600000000,
  DeliveryJobConsumerCheck1765700000000,
  CalendarEvents1765800000000,
];
