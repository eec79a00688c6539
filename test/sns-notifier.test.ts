import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { SnsNotifier } from '../src/adapters/sns/sns-notifier.js';
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
    await new SnsNotifier(new SNSClient({ region: 'eu-west-3' }), 'arn:aws:sns:eu-west-3:123456789012:fire-alerts').publish({ ...entry, ...rendered });
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input?.TopicArn).toBe('arn:aws:sns:eu-west-3:123456789012:fire-alerts');
    expect(input?.Subject).toBe('FEU - Salle 101: flamme detectee a 18:02:11 UTC');
    expect(input?.MessageStructure).toBe('json');
    const message = JSON.parse(input?.Message ?? '{}');
    expect(message.default).toContain('FEU — Salle 101 (bbb-salle-101): flamme détectée à 18:02:11 UTC');
    expect(message.email).toBe(message.default);
    expect(message.sms.length).toBeLessThanOrEqual(160);
    expect(input?.MessageAttributes).toEqual({
      kind: { DataType: 'String', StringValue: 'fire' },
      severity: { DataType: 'String', StringValue: 'critical' },
      deviceId: { DataType: 'String', StringValue: 'bbb-salle-101' },
      transition: { DataType: 'String', StringValue: 'raised' },
    });
  });

  it('lets a failure through, so the outbox keeps the notification', async () => {
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).rejects(new Error('Throttling'));
    const notifier = new SnsNotifier(new SNSClient({ region: 'eu-west-3' }), 'arn:aws:sns:eu-west-3:123456789012:t');
    await expect(
      notifier.publish({ transition: 'raised', alertId: 'a', deviceId: 'd', kind: 'co2', severity: 'warning', value: 1, threshold: 1, at: 'x', subject: 's', message: 'm', sms: 's' }),
    ).rejects.toThrow('Throttling');
  });
});
