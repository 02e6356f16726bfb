// Environment variables a test file sets for itself (the app reads its settings at use),
// each one's earlier value kept so that restore() puts every one back as it was.
export type EnvOverrides = {
  set(name: string, value: string): void;
  setAll(values: Record<string, string>): void;
  restore(): void;
};

export function envOverrides(): EnvOverrides {
  const saved: Record<string, string | undefined> = {};
  const set = (name: string, value: string) => {
    if (!(name in saved)) saved[name] = process.env[name];
    process.env[name] = value;
  };
  return {
    set,
    setAll: (values) => {
      for (const [name, value] of Object.entries(values)) set(name, value);
    },
    restore: () => {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
        delete saved[name];
      }
    },
  };
}
