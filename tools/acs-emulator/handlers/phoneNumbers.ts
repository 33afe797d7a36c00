// The Phone Numbers API's list of purchased numbers (GET /phoneNumbers): the emulator holds no numbers, so it answers
// an empty list, which is what `npm run decommission` checks before the resource may go.
//
// Reference: azure-rest-api-specs specification/communication/data-plane/PhoneNumbers/stable/2025-04-01
// (PhoneNumbers_ListPhoneNumbers, examples/GetPhoneNumbers.json: `{ "phoneNumbers": [...] }`, paged by `skip`/`top`
// with `nextLink`); REST reference https://learn.microsoft.com/rest/api/communication/phonenumbers/phone-numbers/list-phone-numbers.
import { requireApiVersion } from "../body";
import type { RouteMatch } from "../context";
import { authenticate } from "./identity";

export function matchPhoneNumbers(method: string, segments: string[]): RouteMatch | undefined {
  if (method !== "GET" || segments.length !== 1 || segments[0] !== "phoneNumbers") return undefined;
  return {
    operation: "listPurchasedPhoneNumbers",
    handle: (ctx) => {
      authenticate(ctx);
      requireApiVersion(ctx);
      return { status: 200, body: { phoneNumbers: [] } };
    },
  };
}
