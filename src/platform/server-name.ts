// Checks a configured server name against the grammar of spec appendix "Server Name".
const PORT = /^[0-9]{1,5}$/;
const IPV4 = /^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$/;
const IPV6 = /^\[[0-9A-Fa-f:.]{2,45}\]$/;
const DNS = /^[A-Za-z0-9-.]{1,255}$/;

export interface ServerNameParts {
  readonly host: string;
  readonly port: number | undefined;
}

/** Splits `host[:port]`; undefined when the name is outside the grammar (or the port exceeds 65535). */
export function parseServerName(name: string): ServerNameParts | undefined {
  const bracketEnd = name.startsWith("[") ? name.indexOf("]") : -1;
  const colon = name.indexOf(":", bracketEnd + 1);
  const host = colon === -1 ? name : name.slice(0, colon);
  const portText = colon === -1 ? undefined : name.slice(colon + 1);
  if (portText !== undefined && (!PORT.test(portText) || Number(portText) > 65535)) return undefined;
  const port = portText === undefined ? undefined : Number(portText);
  if (IPV6.test(host)) return { host, port };
  if (IPV4.test(host)) return host.split(".").every((octet) => Number(octet) <= 255) ? { host, port } : undefined;
  return DNS.test(host) ? { host, port } : undefined;
}
