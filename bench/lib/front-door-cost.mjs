// What the optional front door (enable_front_door: CloudFront + an AWS WAF
// web ACL with two per-IP rate rules, terraform/modules/front-door) adds to
// the monthly bill, on top of the serverless or vpc line items (API Gateway
// still serves every request CloudFront forwards). Kept apart from the rest
// of bench/cost.mjs, which prints it in its own section.

/** Bytes of one board post through the front door: the request (body and headers) to the origin, and the answer back to the board. */
export const FRONT_DOOR_BYTES = {
  requestPerReading: 160,
  requestOverhead: 900,
  answer: 600,
};

/**
 * The front door's monthly cost for `boards` boards making `postsPerBoard`
 * posts a month of `readingsPerPost` readings each (the board traffic; a
 * dashboard's or a script's requests cost the same per request). `P` holds
 * the prices of bench/prices.json by name.
 */
export function frontDoorModel({ boards, postsPerBoard, readingsPerPost }, P) {
  const requests = boards * postsPerBoard;
  const toOriginGb = (requests * (FRONT_DOOR_BYTES.requestPerReading * readingsPerPost + FRONT_DOOR_BYTES.requestOverhead)) / 1e9;
  const outGb = (requests * FRONT_DOOR_BYTES.answer) / 1e9;
  const lines = [
    { name: 'WAF web ACL + 2 rate rules', fleetMonth: P.wafWebAclPerMonth + 2 * P.wafRulePerMonth, detail: 'fixed, whatever the traffic' },
    { name: 'WAF requests inspected', fleetMonth: (requests * P.wafRequestsPerMillion) / 1e6, detail: `${Math.round(postsPerBoard)} posts per board-month` },
    { name: 'CloudFront HTTPS requests', fleetMonth: (requests * P.cloudfrontHttpsRequestsPerMillion) / 1e6, detail: 'North America/Europe edges, no free tier' },
    { name: 'CloudFront to the origin', fleetMonth: toOriginGb * P.cloudfrontToOriginPerGb, detail: `${toOriginGb.toFixed(2)} GB of request bodies` },
    { name: 'CloudFront to the boards', fleetMonth: outGb * P.cloudfrontDataOutPerGb, detail: `${outGb.toFixed(2)} GB of answers` },
  ].map((l) => ({ ...l, perBoardMonth: l.fleetMonth / boards }));
  const fleetMonth = lines.reduce((n, l) => n + l.fleetMonth, 0);
  return { lines, fleetMonth, perBoardMonth: fleetMonth / boards };
}
