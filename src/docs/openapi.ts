import { toJsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import { AggregatesPageSchema, AGGREGATE_STEPS, MAX_AGGREGATE_BUCKETS } from '../domain/aggregates.js';
import { RegisterDeviceSchema, UpdateDeviceSchema } from '../domain/device.js';
import { IngestEnvelopeSchema, ReadingInputSchema } from '../domain/reading.js';
import {
  AlertSchema,
  AlertsPageSchema,
  DeviceListSchema,
  DeviceViewSchema,
  ErrorSchema,
  HealthSchema,
  IngestResultSchema,
  IssuedKeySchema,
  ReadingsPageSchema,
} from '../domain/responses.js';
import { ThresholdsOverrideSchema } from '../domain/thresholds.js';

type Json = Record<string, unknown>;

// Custom checks (time windows, "at least one measurement") cannot be expressed
// in JSON Schema; the document's descriptions say them in words instead.
const schema = (s: v.GenericSchema): Json => {
  const json = toJsonSchema(s, { errorMode: 'ignore' }) as Json;
  delete json.$schema;
  return json;
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const jsonContent = (name: string) => ({ 'application/json': { schema: ref(name) } });
const error = (description: string) => ({ description, content: jsonContent('Error') });
const deviceIdParam = { name: 'deviceId', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' } };
const admin = [{ bearer: [] }];

/** The OpenAPI 3.1 document of the API, derived from the valibot schemas. */
export function openApiDocument(): Json {
  const reading = schema(ReadingInputSchema);
  reading.description = 'One reading: ts and at least one measurement. ts may be at most 5 minutes ahead of the server clock and no older than the retention period.';
  return {
    openapi: '3.1.0',
    info: {
      title: 'Fire and CO2 monitoring API',
      version: '1',
      description: 'Generated from src/domain by `make docs`; see docs/api.md for the behaviour in words.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'The admin token, or a device key (dk.<deviceId>.<secret>) for POST /v1/readings' } },
      schemas: {
        Error: schema(ErrorSchema),
        Reading: reading,
        IngestEnvelope: schema(IngestEnvelopeSchema),
        IngestResult: schema(IngestResultSchema),
        RegisterDevice: schema(RegisterDeviceSchema),
        UpdateDevice: schema(UpdateDeviceSchema),
        Thresholds: schema(ThresholdsOverrideSchema),
        Device: schema(DeviceViewSchema),
        DeviceList: schema(DeviceListSchema),
        IssuedKey: schema(IssuedKeySchema),
        ReadingsPage: schema(ReadingsPageSchema),
        AggregatesPage: schema(AggregatesPageSchema),
        Health: schema(HealthSchema),
        Alert: schema(AlertSchema),
        AlertsPage: schema(AlertsPageSchema),
      },
    },
    paths: {
      '/healthz': { get: { summary: 'Liveness', responses: { 200: { description: 'ok', content: jsonContent('Health') } } } },
      '/v1/devices': {
        post: {
          summary: 'Register a device',
          security: admin,
          requestBody: { required: true, content: jsonContent('RegisterDevice') },
          responses: { 201: { description: 'Registered; the key is shown once', content: jsonContent('IssuedKey') }, 400: error('Invalid body'), 401: error('No or unknown token'), 403: error('Not the admin'), 409: error('The id exists (revoked ids included)'), 415: error('Not JSON') },
        },
        get: { summary: 'List devices', security: admin, responses: { 200: { description: 'All devices', content: jsonContent('DeviceList') }, 401: error('No or unknown token'), 403: error('Not the admin') } },
      },
      '/v1/devices/{deviceId}': {
        parameters: [deviceIdParam],
        get: { summary: 'One device', security: admin, responses: { 200: { description: 'The device', content: jsonContent('Device') }, 404: error('Unknown device') } },
        patch: {
          summary: 'Change name, location or thresholds (null clears; thresholds replaces the overrides)',
          security: admin,
          requestBody: { required: true, content: jsonContent('UpdateDevice') },
          responses: { 200: { description: 'The device', content: jsonContent('Device') }, 400: error('Invalid body'), 404: error('Unknown device') },
        },
        delete: { summary: "Revoke the device's key; its data stays readable", security: admin, responses: { 204: { description: 'Revoked' }, 404: error('Unknown device') } },
      },
      '/v1/devices/{deviceId}/keys': {
        parameters: [deviceIdParam],
        post: { summary: 'Rotate the key (the old one fails at once; re-enables a revoked device)', security: admin, responses: { 201: { description: 'The new key, shown once', content: jsonContent('IssuedKey') }, 404: error('Unknown device') } },
      },
      '/v1/devices/{deviceId}/readings': {
        parameters: [
          deviceIdParam,
          { name: 'from', in: 'query', schema: { type: 'string', format: 'date-time' }, description: 'Inclusive' },
          { name: 'to', in: 'query', schema: { type: 'string', format: 'date-time' }, description: 'Exclusive' },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 10000, default: 100 }, description: 'At most 1000 in JSON, 10000 with format=csv' },
          { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'nextCursor of the previous page' },
          { name: 'format', in: 'query', schema: { type: 'string', enum: ['json', 'csv'], default: 'json' }, description: 'csv: RFC 4180 text, header row on each page, next page in the Link header (rel="next")' },
        ],
        get: { summary: "A device's readings, ascending by ts", security: admin, responses: { 200: { description: 'One page', content: { ...jsonContent('ReadingsPage'), 'text/csv': { schema: { type: 'string' } } } }, 400: error('Invalid query or cursor'), 404: error('Unknown device') } },
      },
      '/v1/devices/{deviceId}/aggregates': {
        parameters: [
          deviceIdParam,
          { name: 'from', in: 'query', required: true, schema: { type: 'string', format: 'date-time' }, description: 'Inclusive' },
          { name: 'to', in: 'query', required: true, schema: { type: 'string', format: 'date-time' }, description: 'Exclusive' },
          { name: 'step', in: 'query', required: true, schema: { type: 'integer', enum: [...AGGREGATE_STEPS] }, description: `Bucket width in seconds; (to - from) / step at most ${MAX_AGGREGATE_BUCKETS}` },
        ],
        get: { summary: 'Min/max/avg per measurement and flame.any per bucket, ascending; empty buckets omitted', security: admin, responses: { 200: { description: 'The buckets', content: jsonContent('AggregatesPage') }, 400: error('Invalid query'), 404: error('Unknown device') } },
      },
      '/v1/alerts': {
        get: {
          summary: 'Alerts, newest first',
          security: admin,
          parameters: [
            { name: 'status', in: 'query', schema: { type: 'string', enum: ['active', 'resolved', 'all'], default: 'active' } },
            { name: 'deviceId', in: 'query', schema: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
            { name: 'cursor', in: 'query', schema: { type: 'string' } },
          ],
          responses: { 200: { description: 'One page', content: jsonContent('AlertsPage') }, 400: error('Invalid query or cursor') },
        },
      },
      '/v1/alerts/{alertId}/ack': {
        parameters: [{ name: 'alertId', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } }],
        post: {
          summary: 'Acknowledge: stops reminders, does not resolve (acknowledging again keeps the first time)',
          security: admin,
          responses: { 200: { description: 'The alert, acknowledgedAt set', content: jsonContent('Alert') }, 404: error('Unknown alert') },
        },
      },
      '/v1/readings': {
        post: {
          summary: 'Ingest a batch (device key)',
          security: admin,
          requestBody: { required: true, content: jsonContent('IngestEnvelope') },
          responses: {
            200: { description: 'Each reading judged on its own', content: jsonContent('IngestResult') },
            400: error('Bad envelope: nothing stored'),
            401: error('No, unknown or revoked key'),
            403: error('A key for another device: nothing stored'),
            413: error('Body over 256 KiB: nothing stored'),
            415: error('Not JSON'),
            503: error('Store unavailable: retry the batch'),
          },
        },
      },
    },
  };
}
