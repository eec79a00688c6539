import { readdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { readOptionalText } from './sysfs.js';

export const GPIO_ROOT = '/sys/class/gpio';

/** AM335x GPIO banks by their register address (what the kernel names the devices after). */
const AM335X_BANKS = ['44e07000', '4804c000', '481ac000', '481ae000'];

/**
 * BeagleBone Black header pins that can be GPIOs, as "GPIO<bank>_<bit>"
 * (the AM335x names; see the BBB System Reference Manual, P8/P9 tables).
 * Pins used by the eMMC and HDMI (most of P8) are listed but busy on a
 * stock board: prefer P9_12, P9_15, P9_23, P9_27 or P9_41 for the flame input.
 */
export const BBB_HEADER: Record<string, string> = {
  P8_3: 'GPIO1_6', P8_4: 'GPIO1_7', P8_5: 'GPIO1_2', P8_6: 'GPIO1_3', P8_7: 'GPIO2_2', P8_8: 'GPIO2_3',
  P8_9: 'GPIO2_5', P8_10: 'GPIO2_4', P8_11: 'GPIO1_13', P8_12: 'GPIO1_12', P8_13: 'GPIO0_23', P8_14: 'GPIO0_26',
  P8_15: 'GPIO1_15', P8_16: 'GPIO1_14', P8_17: 'GPIO0_27', P8_18: 'GPIO2_1', P8_19: 'GPIO0_22', P8_20: 'GPIO1_31',
  P8_21: 'GPIO1_30', P8_22: 'GPIO1_5', P8_23: 'GPIO1_4', P8_24: 'GPIO1_1', P8_25: 'GPIO1_0', P8_26: 'GPIO1_29',
  P8_27: 'GPIO2_22', P8_28: 'GPIO2_24', P8_29: 'GPIO2_23', P8_30: 'GPIO2_25', P8_31: 'GPIO0_10', P8_32: 'GPIO0_11',
  P8_33: 'GPIO0_9', P8_34: 'GPIO2_17', P8_35: 'GPIO0_8', P8_36: 'GPIO2_16', P8_37: 'GPIO2_14', P8_38: 'GPIO2_15',
  P8_39: 'GPIO2_12', P8_40: 'GPIO2_13', P8_41: 'GPIO2_10', P8_42: 'GPIO2_11', P8_43: 'GPIO2_8', P8_44: 'GPIO2_9',
  P8_45: 'GPIO2_6', P8_46: 'GPIO2_7',
  P9_11: 'GPIO0_30', P9_12: 'GPIO1_28', P9_13: 'GPIO0_31', P9_14: 'GPIO1_18', P9_15: 'GPIO1_16', P9_16: 'GPIO1_19',
  P9_17: 'GPIO0_5', P9_18: 'GPIO0_4', P9_21: 'GPIO0_3', P9_22: 'GPIO0_2', P9_23: 'GPIO1_17', P9_24: 'GPIO0_15',
  P9_25: 'GPIO3_21', P9_26: 'GPIO0_14', P9_27: 'GPIO3_19', P9_28: 'GPIO3_17', P9_29: 'GPIO3_15', P9_30: 'GPIO3_16',
  P9_31: 'GPIO3_14', P9_41: 'GPIO0_20', P9_42: 'GPIO0_7',
};

interface Chip {
  base: number;
  ngpio: number;
  label: string;
  where: string;
  lineNames: string[];
}

async function listChips(root: string): Promise<Chip[]> {
  const out: Chip[] = [];
  let entries: string[] = [];
  try {
    entries = await readdir(root);
  } catch {
    return out;
  }
  for (const e of entries.filter((n) => /^gpiochip\d+$/.test(n))) {
    const dir = join(root, e);
    const base = Number(await readOptionalText(join(dir, 'base')));
    const ngpio = Number(await readOptionalText(join(dir, 'ngpio')));
    if (!Number.isInteger(base) || !Number.isInteger(ngpio)) continue;
    const label = (await readOptionalText(join(dir, 'label'))) ?? '';
    const where = await realpath(dir).catch(() => dir);
    let lineNames: string[] = [];
    // The device tree's gpio-line-names of the controller, NUL separated.
    for (const p of ['device/of_node/gpio-line-names', 'of_node/gpio-line-names']) {
      const names = await readOptionalText(join(dir, p)).catch(() => undefined);
      if (names !== undefined) {
        lineNames = names.split('\0');
        break;
      }
    }
    out.push({ base, ngpio, label, where, lineNames });
  }
  return out.sort((a, b) => a.base - b.base);
}

/**
 * Resolves the flame input's pin to a sysfs GPIO number:
 *  - a number (or digits) is the GPIO number itself (`/sys/class/gpio/gpioN`);
 *  - a line name from the device tree (`gpio-line-names` of a gpiochip's
 *    device, e.g. "P9_12"; the first word of the line name is enough);
 *  - "GPIO1_28": bank 1, bit 28, found by the bank's address among the gpiochips;
 *  - a BeagleBone Black header pin "P9_12", through the table above.
 */
export async function resolveGpio(pin: number | string, root = GPIO_ROOT): Promise<number> {
  if (typeof pin === 'number') return checkNumber(pin);
  const s = pin.trim();
  if (/^\d+$/.test(s)) return checkNumber(Number(s));
  const chips = await listChips(root);
  const want = s.toLowerCase();
  for (const c of chips) {
    const idx = c.lineNames.findIndex((n) => {
      const name = n.trim().toLowerCase();
      return name === want || name.split(/\s+/)[0] === want;
    });
    if (idx >= 0 && idx < c.ngpio) return c.base + idx;
  }
  const header = BBB_HEADER[s.toUpperCase()];
  const bankName = header ?? s.toUpperCase();
  const m = /^GPIO(\d)_(\d{1,2})$/.exec(bankName);
  if (m) {
    const bank = Number(m[1]);
    const bit = Number(m[2]);
    if (bank > 3 || bit > 31) throw new Error(`gpio: no such AM335x GPIO: ${s}`);
    const addr = AM335X_BANKS[bank]!;
    const chip = chips.find((c) => c.label.includes(addr) || c.where.includes(`${addr}.gpio`));
    return chip ? chip.base + bit : bank * 32 + bit;
  }
  throw new Error(`gpio: cannot resolve pin ${JSON.stringify(pin)}: not a number, a line name, GPIOb_n or a BBB header pin (P8_x/P9_x)`);
}

function checkNumber(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 4095) throw new Error(`gpio: bad GPIO number ${n}`);
  return n;
}
