import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notifier, OutgoingNotification } from '../../app/ports.js';

/**
 * Publishes to the alerts topic: e-mail gets the full text, SMS the short
 * one (MessageStructure json), and the message attributes let subscriptions
 * filter (SMS for critical only, by default).
 */
export class SnsNotifier implements Notifier {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(n: OutgoingNotification): Promise<void> {
    const attribute = (value: string) => ({ DataType: 'String', StringValue: value });
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: n.subject,
        MessageStructure: 'json',
        Message: JSON.stringify({ default: n.message, email: n.message, sms: n.sms }),
        MessageAttributes: {
          kind: attribute(n.kind),
          severity: attribute(n.severity),
          deviceId: attribute(n.deviceId),
          transition: attribute(n.transition),
        },
      }),
    );
  }
}
