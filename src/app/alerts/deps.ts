import type { AlertStateStore, AlertStore, Clock, DeliveryRetries, DeviceStore, Log, Notifier, SilenceStore, Telemetry } from '../ports.js';
import type { Settings } from '../settings.js';

export interface AlertDeps {
  devices: DeviceStore;
  alertStates: AlertStateStore;
  alerts: AlertStore;
  silences: SilenceStore;
  notifier: Notifier;
  clock: Clock;
  settings: Settings;
  log: Log;
  telemetry: Telemetry;
  newAlertId: () => string;
  /** Names this process in outbox claims. */
  instanceId: string;
  /** Where a long-lived process retries an entry held by another claim (absent in Lambda). */
  deliveryRetries?: DeliveryRetries;
}
