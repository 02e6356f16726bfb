// Who may own a dataset: the active admins and managers, for the admin's owner select on
// the dataset page (a viewer cannot own one, since owning means exporting and changing it).
import { pgPool } from "../data/pg";

export type OwnerChoice = { id: number; name: string; email: string };

export async function possibleDatasetOwners(): Promise<OwnerChoice[]> {
  const { rows } = await pgPool().query<OwnerChoice>(
    `SELECT id, name, email FROM users WHERE active AND role IN ('admin', 'manager') ORDER BY name, email`,
  );
  return rows;
}
