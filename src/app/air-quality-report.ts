import { MAX_REPORT_DAYS, RoomReport, type RoomFigures } from '../domain/air-quality.js';
import { ApiError } from '../domain/errors.js';
import { occupancy } from '../domain/occupied-hours.js';
import { forEachLimited } from './concurrency.js';
import type { DeviceSnapshot, DeviceStore, ReadingStore } from './ports.js';
import { timeParam } from './query-params.js';
import type { Settings } from './settings.js';

export interface AirQualityReportDeps {
  devices: DeviceStore;
  readings: ReadingStore;
  settings: Pick<Settings, 'occupiedHours' | 'timeZone'>;
}

export interface AirQualityReport {
  from: string;
  to: string;
  occupiedHours: string;
  timeZone: string;
  items: (RoomFigures & { deviceId: string; name: string | null; location: string | null })[];
}

/** Devices read per page of the device directory, and rooms read at once (each a sequence of store queries). */
const DEVICE_PAGE = 100;
const ROOMS_IN_FLIGHT = 4;

const invalid = (path: string, message: string) => new ApiError('validation_failed', 'invalid query', [{ path, message }]);

/** `from` and `to`, both required, from before to, at most MAX_REPORT_DAYS apart. */
export function reportRange(query: Readonly<Record<string, string | undefined>>): { from: string; to: string } {
  const from = timeParam(query, 'from');
  const to = timeParam(query, 'to');
  if (from === undefined) throw invalid('from', 'is required');
  if (to === undefined) throw invalid('to', 'is required');
  if (from >= to) throw invalid('from', 'must be before to');
  if (Date.parse(to) - Date.parse(from) > MAX_REPORT_DAYS * 86_400_000) throw invalid('to', `the range must be at most ${MAX_REPORT_DAYS} days; ask for a year in two reports`);
  return { from, to };
}

/**
 * Per room (every device, revoked ones included: their data stays readable),
 * in deviceId order, or the one room `deviceId` names: readings, coverage, CO2 max / mean / hours above 800,
 * 1000, 1500 ppm, and ICONE over occupied hours. Each device's readings are
 * read once through the store's range read.
 */
export async function airQualityReport(deps: AirQualityReportDeps, query: Readonly<Record<string, string | undefined>>): Promise<AirQualityReport> {
  const { from, to } = reportRange(query);
  const fromMs = Date.parse(from);
  const toMs = Date.parse(to);
  const devices: DeviceSnapshot[] = [];
  const only = query.deviceId;
  if (only !== undefined && only !== '') {
    // One room: a large fleet's report is fetched room by room (the dashboard does), each well within a request's time.
    const device = await deps.devices.get(only);
    if (!device) throw new ApiError('not_found', `no device ${only}`);
    devices.push(device);
  } else {
    let after: string | undefined;
    do {
      const page = await deps.devices.listPage(DEVICE_PAGE, after);
      devices.push(...page.items);
      after = page.lastDeviceId;
    } while (after !== undefined);
  }
  const items: AirQualityReport['items'] = new Array(devices.length);
  await forEachLimited(devices, ROOMS_IN_FLIGHT, async (device, index) => {
    const room = new RoomReport(fromMs, toMs, occupancy(deps.settings.occupiedHours, deps.settings.timeZone));
    for await (const reading of deps.readings.readRange(device.deviceId, from, to)) room.add(reading);
    items[index] = { deviceId: device.deviceId, name: device.name ?? null, location: device.location ?? null, ...room.result() };
  });
  return { from, to, occupiedHours: deps.settings.occupiedHours.text, timeZone: deps.settings.timeZone, items };
}
