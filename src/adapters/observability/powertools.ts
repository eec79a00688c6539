import { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import type { Telemetry } from '../../app/ports.js';

export interface Observability {
  logger: Logger;
  metrics: Metrics;
  telemetry: Telemetry;
}

const units = {
  Count: MetricUnit.Count,
  Milliseconds: MetricUnit.Milliseconds,
  Seconds: MetricUnit.Seconds,
} as const;

/** Powertools Logger and Metrics for one function; service and namespace come from the POWERTOOLS_* environment. */
export function createObservability(serviceName: string): Observability {
  const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? serviceName });
  const metrics = new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'FireCO2',
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? serviceName,
  });
  const telemetry: Telemetry = {
    count(name, value, dimensions) {
      if (dimensions && Object.keys(dimensions).length > 0) {
        // A metric with its own dimensions goes out as its own EMF line.
        const single = metrics.singleMetric();
        single.addDimensions({ ...dimensions });
        single.addMetric(name, MetricUnit.Count, value);
      } else {
        metrics.addMetric(name, MetricUnit.Count, value);
      }
    },
    measure(name, unit, value) {
      metrics.addMetric(name, units[unit], value);
    },
    series(name, value, dimensions) {
      const single = metrics.singleMetric();
      single.addDimensions({ ...dimensions });
      single.addMetric(name, MetricUnit.NoUnit, value);
    },
  };
  return { logger, metrics, telemetry };
}
