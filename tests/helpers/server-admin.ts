// A connection to the test server's `postgres` database, for the tests that create and drop
// databases of their own (CREATE/DROP DATABASE cannot run inside the database they touch).
import pg from "pg";

export async function onServer<T>(serverUrl: URL, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const url = new URL(serverUrl);
  url.pathname = "/postgres";
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
