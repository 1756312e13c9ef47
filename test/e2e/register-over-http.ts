// Registration's two user-interactive steps (m.login.dummy) over plain HTTP, for clients that then log in with the password.

/** Registers `name` plus a time suffix (fresh on every run) and returns the new user ID. */
export async function registerOverHttp(baseUrl: string, name: string, password: string): Promise<string> {
  const url = `${baseUrl}/_matrix/client/v3/register`;
  const body = { username: `${name}${Date.now().toString(36)}`, password };
  const first = await fetch(url, { method: "POST", body: JSON.stringify(body) });
  const { session } = (await first.json()) as { session: string };
  const done = await fetch(url, { method: "POST", body: JSON.stringify({ ...body, auth: { type: "m.login.dummy", session } }) });
  if (done.status !== 200) throw new Error(`registering ${name} answered ${done.status}: ${await done.text()}`);
  return ((await done.json()) as { user_id: string }).user_id;
}
