// The device agent's durable queue and record format, bundled by bench/device.mjs.
export { DurableQueue } from '../../device/src/queue/queue.ts';
export { encodeSample } from '../../device/src/record.ts';
export { silentLogger } from '../../device/src/log.ts';
