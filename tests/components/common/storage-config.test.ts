// The storage firewall's IP rules: only public internet IPv4 addresses and ranges up to /30 pass, with a message naming
// what is accepted (Learn "Configure Azure Storage firewalls and virtual networks").
import { describe, expect, it } from "vitest";
import { storageConfigSchema, storageIpRuleProblem } from "../../../components/common/storage-config";

const FORMAT =
  "must be a public IPv4 address (four numbers 0-255, e.g. 16.17.18.19) or a CIDR range of prefix /30 or shorter (e.g. 16.17.18.0/24)";
const nonPublic = (block: string) =>
  `must be a public internet IPv4 address or range: it overlaps ${block}, which storage IP rules do not accept (a subnet of your own network is admitted by the virtual network rule)`;

describe("storage IP rules", () => {
  it.each(["16.17.18.19", "16.17.18.0/24", "20.0.0.0/30", "8.8.8.8", "203.0.113.0/24", "11.0.0.0/8"])("accepts %s", (value) => {
    expect(storageIpRuleProblem(value)).toBeUndefined();
  });

  it.each([
    ["999.1.1.1", `${FORMAT}; got "999.1.1.1"`],
    ["256.0.0.0/24", `${FORMAT}; got "256.0.0.0/24"`],
    ["1.2.3", `${FORMAT}; got "1.2.3"`],
    ["01.2.3.4", `${FORMAT}; got "01.2.3.4"`],
    ["16.17.18.0/33", `${FORMAT}; got "16.17.18.0/33"`],
    ["16.17.18.19/", `${FORMAT}; got "16.17.18.19/"`],
    [
      "16.17.18.19/32",
      'must be a CIDR range of prefix /30 or shorter: storage IP rules take no /31 or /32 range, list its addresses one by one instead; got "16.17.18.19/32"',
    ],
    [
      "16.17.18.18/31",
      'must be a CIDR range of prefix /30 or shorter: storage IP rules take no /31 or /32 range, list its addresses one by one instead; got "16.17.18.18/31"',
    ],
    ["127.0.0.1", `${nonPublic("127.0.0.0/8, loopback (RFC 1122)")}; got "127.0.0.1"`],
    ["100.64.0.0/10", `${nonPublic("100.64.0.0/10, shared address space (RFC 6598)")}; got "100.64.0.0/10"`],
    ["100.127.255.1", `${nonPublic("100.64.0.0/10, shared address space (RFC 6598)")}; got "100.127.255.1"`],
    ["169.254.169.254", `${nonPublic("169.254.0.0/16, link-local (RFC 3927)")}; got "169.254.169.254"`],
    ["10.1.0.0/16", `${nonPublic("10.0.0.0/8, private (RFC 1918)")}; got "10.1.0.0/16"`],
    ["172.31.0.1", `${nonPublic("172.16.0.0/12, private (RFC 1918)")}; got "172.31.0.1"`],
    ["192.168.1.0/24", `${nonPublic("192.168.0.0/16, private (RFC 1918)")}; got "192.168.1.0/24"`],
    // A short prefix that contains a private block, though its first address is public.
    ["8.0.0.0/5", `${nonPublic("10.0.0.0/8, private (RFC 1918)")}; got "8.0.0.0/5"`],
    ["0.0.0.0/0", `${nonPublic('0.0.0.0/8, "this network" (RFC 791)')}; got "0.0.0.0/0"`],
    ["224.0.0.1", `${nonPublic("224.0.0.0/4, multicast (RFC 5771)")}; got "224.0.0.1"`],
    ["255.255.255.255", `${nonPublic("240.0.0.0/4, reserved, with the broadcast address (RFC 1112, RFC 919)")}; got "255.255.255.255"`],
  ])("refuses %s", (value, message) => {
    expect(storageIpRuleProblem(value)).toBe(message);
  });

  it("the schema reports each refused entry at its index, and keeps the accepted ones", () => {
    const result = storageConfigSchema.safeParse({ allowedIpRanges: ["16.17.18.0/24", "127.0.0.1", "999.1.1.1"] });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["allowedIpRanges.1", `${nonPublic("127.0.0.0/8, loopback (RFC 1122)")}; got "127.0.0.1"`],
      ["allowedIpRanges.2", `${FORMAT}; got "999.1.1.1"`],
    ]);
    expect(storageConfigSchema.parse({ allowedIpRanges: ["16.17.18.0/24"] }).allowedIpRanges).toEqual(["16.17.18.0/24"]);
  });
});
