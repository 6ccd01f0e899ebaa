import { describe, expect, it } from "vitest";
import {
  accountAttributeName,
  intercomAnonymousId,
  withoutTraitsPrefix,
  withoutTraitsPrefixes,
} from "../../common/identity";

describe("common/identity: the one place for the intercom: id and the traits_ prefix", () => {
  it("names an Intercom contact or visitor as Hull's classic connector did", () => {
    expect(intercomAnonymousId("5f1a")).toBe("intercom:5f1a");
  });

  it("removes only a leading traits_", () => {
    expect(withoutTraitsPrefix("traits_plan")).toBe("plan");
    expect(withoutTraitsPrefix("plan")).toBe("plan");
    expect(withoutTraitsPrefix("my_traits_plan")).toBe("my_traits_plan");
    expect(withoutTraitsPrefix("traits_traits_x")).toBe("traits_x");
  });

  it("renames every key of a report and keeps __proto__ an ordinary key", () => {
    const report = JSON.parse('{"traits_plan":"pro","email":"a@b.c","__proto__":{"polluted":1}}');
    const user = withoutTraitsPrefixes<unknown>(report);
    expect(Object.keys(user).sort()).toEqual(["__proto__", "email", "plan"]);
    expect(user.plan).toBe("pro");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("reads an account row's attribute with or without traits_ and account.", () => {
    expect(accountAttributeName("traits_plan")).toBe("plan");
    expect(accountAttributeName("account.plan")).toBe("plan");
    expect(accountAttributeName("traits_account.plan")).toBe("plan");
    expect(accountAttributeName("domain")).toBe("domain");
  });
});
