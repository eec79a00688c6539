import { PublishCommand, type SNSClientConfig, type SNSClient } from '@aws-sdk/client-sns';
import type { Notifier, OutgoingNotification, OutgoingSilenceNotification } from '../../app/ports.js';

/**
 * One SNS request may take this long, and is tried at most twice: the whole
 * call stays well under the outbox claim (CLAIM_MS in src/app/alerts/deliver.ts),
 * so a claim never expires under a live delivery and a dead claimer's entry is
 * taken over within seconds.
 */
export const SNS_REQUEST_TIMEOUT_MS = 4_000;
export const SNS_MAX_ATTEMPTS = 2;

/** The SNS client configuration to create the notifier's client with. */
export const snsClientConfig = (): SNSClientConfig => ({
  maxAttempts: SNS_MAX_ATTEMPTS,
  requestHandler: { requestTimeout: SNS_REQUEST_TIMEOUT_MS, connectionTimeout: 2_000 },
});

/**
 * Publishes to the alerts topic: e-mail gets the full text, SMS the short
 * one (MessageStructure json), and the message attributes let subscriptions
 * filter (SMS for critical only, by default; `audience: escalation` for
 * the people who receive only unacknowledged alerts).
 */
export class SnsNotifier implements Notifier {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(n: OutgoingNotification | OutgoingSilenceNotification): Promise<void> {
    const attribute = (value: string) => ({ DataType: 'String', StringValue: value });
    // A silence's start or end has no kind or severity of its own: subscriptions filtering on severity skip it.
    const attributes =
      'silenceId' in n
        ? { transition: attribute(n.transition), deviceId: attribute(n.deviceId ?? '*') }
        : {
            kind: attribute(n.kind),
            severity: attribute(n.severity),
            deviceId: attribute(n.deviceId),
            transition: attribute(n.transition),
            // Escalations go to a second list of people, whose subscriptions filter on this.
            ...(n.transition === 'unacknowledged' ? { audience: attribute('escalation') } : {}),
          };
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: n.subject,
        MessageStructure: 'json',
        Message: JSON.stringify({ default: n.message, email: n.message, sms: n.sms }),
        MessageAttributes: attributes,
      }),
    );
  }
}
