import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { SNS_MAX_ATTEMPTS, SNS_REQUEST_TIMEOUT_MS, SnsNotifier, snsClientConfig } from '../src/adapters/sns/sns-notifier.js';
import { CLAIM_MS } from '../src/app/alerts/deliver.js';
import { renderNotification } from '../src/domain/alerts/messages.js';

// SNS cannot run here: the client is mocked at the edge, everything above it is real.
describe('SNS notifier', () => {
  it('publishes the subject, e-mail and SMS texts, and the attributes subscriptions filter on', async () => {
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const entry = {
      seq: '0', transition: 'raised' as const, alertId: 'al_1', deviceId: 'bbb-salle-101', kind: 'fire' as const, severity: 'critical' as const,
      value: true, threshold: true, at: '2026-11-29T18:02:11.000Z', raisedAt: '2026-11-29T18:02:11.000Z',
    };
    const rendered = renderNotification(entry, { deviceId: 'bbb-salle-101', name: 'Salle 101', location: null }, 'fr');
    await new SnsNotifier(new SNSClient({ region: 'eu-west-3' }), 'arn:aws:sns:eu-west-3:123456789012:fire-alerts').publish({ ...entry, ...rendered, sentAt: '2026-11-29T18:02:12.000Z', latencyMs: 1000 });
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input?.TopicArn).toBe('arn:aws:sns:eu-west-3:123456789012:fire-alerts');
    expect(input?.Subject).toBe('FEU - Salle 101 : flamme detectee a 18:02:11 UTC');
    expect(input?.MessageStructure).toBe('json');
    const message = JSON.parse(input?.Message ?? '{}');
    expect(message.default).toContain('FEU — Salle 101 (bbb-salle-101) : flamme détectée à 18:02:11 UTC');
    expect(message.email).toBe(message.default);
    expect(message.sms.length).toBeLessThanOrEqual(160);
    expect(input?.MessageAttributes).toEqual({
      kind: { DataType: 'String', StringValue: 'fire' },
      severity: { DataType: 'String', StringValue: 'critical' },
      deviceId: { DataType: 'String', StringValue: 'bbb-salle-101' },
      transition: { DataType: 'String', StringValue: 'raised' },
    });
  });

  it('marks only unacknowledged notifications for the escalation list', async () => {
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).resolves({ MessageId: 'm-2' });
    const notifier = new SnsNotifier(new SNSClient({ region: 'eu-west-3', ...snsClientConfig() }), 'arn:aws:sns:eu-west-3:123456789012:t');
    const base = { alertId: 'a', deviceId: 'd', kind: 'fire' as const, severity: 'critical' as const, value: true, threshold: true, at: 'x', subject: 's', message: 'm', sms: 's', sentAt: 'x', latencyMs: null };
    for (const transition of ['raised', 'reminder', 'unacknowledged', 'resolved'] as const) await notifier.publish({ ...base, transition });
    const attributes = sns.commandCalls(PublishCommand).map((c) => c.args[0].input.MessageAttributes ?? {});
    expect(attributes.map((a) => a.audience?.StringValue ?? '-')).toEqual(['-', '-', 'escalation', '-']);
    expect(attributes[2]?.audience).toEqual({ DataType: 'String', StringValue: 'escalation' });
    expect(attributes[2]?.transition?.StringValue).toBe('unacknowledged');
  });

  it('bounds one SNS call well under the outbox claim, so a dead claimer is replaced within seconds', () => {
    expect(SNS_REQUEST_TIMEOUT_MS * SNS_MAX_ATTEMPTS + 2_000).toBeLessThan(CLAIM_MS);
    expect(CLAIM_MS).toBeLessThanOrEqual(15_000);
    expect(snsClientConfig()).toMatchObject({ maxAttempts: SNS_MAX_ATTEMPTS, requestHandler: { requestTimeout: SNS_REQUEST_TIMEOUT_MS } });
  });

  it('lets a failure through, so the outbox keeps the notification', async () => {
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).rejects(new Error('Throttling'));
    const notifier = new SnsNotifier(new SNSClient({ region: 'eu-west-3' }), 'arn:aws:sns:eu-west-3:123456789012:t');
    await expect(
      notifier.publish({ transition: 'raised', alertId: 'a', deviceId: 'd', kind: 'co2', severity: 'warning', value: 1, threshold: 1, at: 'x', subject: 's', message: 'm', sms: 's', sentAt: 'x', latencyMs: null }),
    ).rejects.toThrow('Throttling');
  });
});
