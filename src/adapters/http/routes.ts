import { authenticate, requireAdmin, requireDevice, requireReader, type AuthDeps } from '../../app/auth.js';
import { getDevice, listDevices, registerDevice, revokeDevice, rotateDeviceKey, updateDevice, type DeviceDeps } from '../../app/devices.js';
import { ingestBatch, type IngestDeps } from '../../app/ingest.js';
import { acknowledgeAlert, listAlerts } from '../../app/alerts/queries.js';
import { listReadings, type ReadingsDeps } from '../../app/readings.js';
import { RegisterDeviceSchema, UpdateDeviceSchema } from '../../domain/device.js';
import { IngestEnvelopeSchema } from '../../domain/reading.js';
import { json, noContent } from './responses.js';
import { aggregatesHandler, formatError, readingsCsvResponse } from './history-routes.js';
import type { Route } from './router.js';
import { deviceIdParam, parseBody } from './validate.js';
import { webRoutes } from './web-routes.js';

export type ApiDeps = AuthDeps & DeviceDeps & IngestDeps & ReadingsDeps;

/** `POST /v1/readings`: the ingest function's only route. */
export function ingestRoutes(deps: ApiDeps): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/v1/readings',
      handler: async (request) => {
        const device = requireDevice(await authenticate(request.headers.authorization, deps));
        const envelope = parseBody(IngestEnvelopeSchema, request);
        return json(200, await ingestBatch(deps, device, envelope));
      },
    },
  ];
}

/** Every other route of the contract: health, devices, readings, alerts. */
export function managementRoutes(deps: ApiDeps): Route[] {
  const admin = async (authorization: string | undefined) => requireAdmin(await authenticate(authorization, deps));
  const reader = async (authorization: string | undefined) => requireReader(await authenticate(authorization, deps), deps.settings.publicRead);
  return [
    ...webRoutes(),
    { method: 'GET', pattern: '/healthz', handler: async () => json(200, { status: 'ok' }) },
    {
      method: 'POST',
      pattern: '/v1/devices',
      handler: async (request) => {
        await admin(request.headers.authorization);
        return json(201, await registerDevice(deps, parseBody(RegisterDeviceSchema, request)));
      },
    },
    {
      method: 'GET',
      pattern: '/v1/devices',
      handler: async (request) => {
        await reader(request.headers.authorization);
        return json(200, { items: await listDevices(deps) });
      },
    },
    {
      method: 'GET',
      pattern: '/v1/devices/{deviceId}',
      handler: async (request, params) => {
        await reader(request.headers.authorization);
        return json(200, await getDevice(deps, deviceIdParam(params)));
      },
    },
    {
      method: 'PATCH',
      pattern: '/v1/devices/{deviceId}',
      handler: async (request, params) => {
        await admin(request.headers.authorization);
        const deviceId = deviceIdParam(params);
        return json(200, await updateDevice(deps, deviceId, parseBody(UpdateDeviceSchema, request)));
      },
    },
    {
      method: 'DELETE',
      pattern: '/v1/devices/{deviceId}',
      handler: async (request, params) => {
        await admin(request.headers.authorization);
        await revokeDevice(deps, deviceIdParam(params));
        return noContent();
      },
    },
    {
      method: 'POST',
      pattern: '/v1/devices/{deviceId}/keys',
      handler: async (request, params) => {
        await admin(request.headers.authorization);
        return json(201, await rotateDeviceKey(deps, deviceIdParam(params)));
      },
    },
    {
      method: 'GET',
      pattern: '/v1/devices/{deviceId}/readings',
      handler: async (request, params) => {
        await reader(request.headers.authorization);
        if (request.query.format === 'csv') return readingsCsvResponse(deps, request, deviceIdParam(params));
        if (request.query.format !== undefined && request.query.format !== 'json') throw formatError();
        return json(200, await listReadings(deps, deviceIdParam(params), request.query));
      },
    },
    { method: 'GET', pattern: '/v1/devices/{deviceId}/aggregates', handler: aggregatesHandler(deps, reader) },
    {
      method: 'GET',
      pattern: '/v1/alerts',
      handler: async (request) => {
        await reader(request.headers.authorization);
        return json(200, await listAlerts(deps, request.query));
      },
    },
    {
      method: 'POST',
      pattern: '/v1/alerts/{alertId}/ack',
      handler: async (request, params) => {
        await admin(request.headers.authorization);
        return json(200, await acknowledgeAlert(deps, params.alertId ?? ''));
      },
    },
  ];
}
