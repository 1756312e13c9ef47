// The X-Matrix Authorization header: the spec's example, the RFC 9110 parameter rules, and what is refused.
import { describe, expect, it } from "vitest";
import { formatXMatrixHeader, parseXMatrixHeader } from "../../../../src/protocol/federation/x-matrix-header";

const parsed = (text: string) => {
  const r = parseXMatrixHeader(text);
  if (!r.ok) throw new Error(`${r.error.reason}: ${r.error.detail}`);
  return r.value;
};
const reason = (text: string) => {
  const r = parseXMatrixHeader(text);
  return r.ok ? "ok" : r.error.reason;
};

describe("parseXMatrixHeader", () => {
  it("reads the spec's example header", () => {
    expect(
      parsed('X-Matrix origin="origin.hs.example.com",destination="destination.hs.example.com",key="ed25519:key1",sig="ABCDEF..."'),
    ).toEqual({ origin: "origin.hs.example.com", destination: "destination.hs.example.com", key: "ed25519:key1", sig: "ABCDEF..." });
  });

  it("accepts servers that omit destination", () => {
    expect(parsed('X-Matrix origin="a.example",key="ed25519:k",sig="c2ln"')).toEqual({ origin: "a.example", key: "ed25519:k", sig: "c2ln" });
  });

  it("allows several spaces after the scheme, spaces and tabs around commas and '=', any case and order", () => {
    expect(parsed('x-matrix   SIG="s" ,\tKey = "ed25519:k" , Origin="o.example:8448",destination="d"')).toEqual({
      origin: "o.example:8448",
      destination: "d",
      key: "ed25519:k",
      sig: "s",
    });
  });

  it("reads unquoted token values, with colons allowed for older servers", () => {
    expect(parsed("X-Matrix origin=o.example:8448,key=ed25519:abc_1,sig=abcDEF")).toEqual({
      origin: "o.example:8448",
      key: "ed25519:abc_1",
      sig: "abcDEF",
    });
  });

  it("undoes backslash escapes in quoted values", () => {
    expect(parsed('X-Matrix origin="a\\"b\\\\c",key="k",sig="s"').origin).toBe('a"b\\c');
  });

  it("ignores unknown parameters and empty list elements", () => {
    expect(parsed('X-Matrix ,origin="o",,extra=1,key="k",sig="s",')).toEqual({ origin: "o", key: "k", sig: "s" });
  });

  it("accepts the spec's parameter list name `signature` as well, but never both", () => {
    expect(parsed('X-Matrix origin="o",key="k",signature="s"').sig).toBe("s");
    expect(reason('X-Matrix origin="o",key="k",signature="s",sig="s"')).toBe("duplicate_param");
  });

  it("refuses other schemes and a scheme without a space", () => {
    expect(reason('Bearer abc')).toBe("not_x_matrix");
    expect(reason('X-Matrixorigin="o",key="k",sig="s"')).toBe("not_x_matrix");
    expect(reason("X-Matrix")).toBe("not_x_matrix");
  });

  it("refuses a missing required parameter", () => {
    expect(reason('X-Matrix key="k",sig="s"')).toBe("missing_param");
    expect(reason('X-Matrix origin="o",sig="s"')).toBe("missing_param");
    expect(reason('X-Matrix origin="o",key="k"')).toBe("missing_param");
  });

  it("refuses a parameter given twice, in any case", () => {
    expect(reason('X-Matrix origin="o",ORIGIN="p",key="k",sig="s"')).toBe("duplicate_param");
  });

  it("refuses broken syntax", () => {
    for (const bad of [
      'X-Matrix origin="o,key="k",sig="s"',
      'X-Matrix origin="o" key="k",sig="s"',
      "X-Matrix origin=,key=k,sig=s",
      "X-Matrix origin=a/b,key=k,sig=s",
      'X-Matrix origin"o",key="k",sig="s"',
      'X-Matrix origin="o\\',
      'X-Matrix origin="o\u0001",key="k",sig="s"',
      'X-Matrix =o,key="k",sig="s"',
    ]) {
      expect(reason(bad), bad).toBe("syntax");
    }
  });

  it("reads back what formatXMatrixHeader writes, in the form the spec asks senders to use", () => {
    const auth = { origin: "[::1]:8448", destination: "b.example", key: "ed25519:a_1", sig: "x+/y" };
    const header = formatXMatrixHeader(auth);
    expect(header).toBe('X-Matrix origin="[::1]:8448",destination="b.example",key="ed25519:a_1",sig="x+/y"');
    expect(parsed(header)).toEqual(auth);
  });
});
