"use client";
// The export options applied on a dataset page, shared by the export buttons (which set
// them) and the preview (which shows what they export), and kept per dataset in the
// browser (options-storage.ts) so a reload finds them still applied.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import type { DatasetJson } from "@/lib/datasets/present-dataset";
import type { TExportOptionsInput } from "@/lib/export/options";
import { draftToOptions, initialDraft, type OptionsDraft } from "./options-draft";
import { loadDraft, saveOptions } from "./options-storage";

type Dataset = Pick<DatasetJson, "id" | "columns" | "date_column">;

export type AppliedOptions = {
  draft: OptionsDraft;
  options: TExportOptionsInput;
  apply: (draft: OptionsDraft) => void;
};

const AppliedOptionsContext = createContext<AppliedOptions | null>(null);

function useKeptOptions(dataset: Dataset, isAdmin: boolean, active: boolean): AppliedOptions {
  const [draft, setDraft] = useState<OptionsDraft>(() => initialDraft(dataset));
  // Read after the first render: the server renders the defaults, as it cannot know them.
  useEffect(() => {
    if (!active) return;
    const kept = loadDraft(dataset, isAdmin);
    // eslint-disable-next-line react-hooks/set-state-in-effect -- local storage is read once, after hydration
    if (kept) setDraft(kept);
    // The dataset's id and columns are fixed for the page's life.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dataset.id, active]);
  const apply = useCallback(
    (next: OptionsDraft) => {
      setDraft(next);
      if (active) saveOptions(dataset.id, draftToOptions(next, dataset));
    },
    [active, dataset],
  );
  const options = useMemo(() => draftToOptions(draft, dataset), [draft, dataset]);
  return { draft, options, apply };
}

/** Holds the page's applied options for the export buttons and the preview below it. */
export function AppliedOptionsProvider({
  dataset,
  isAdmin,
  children,
}: {
  dataset: Dataset;
  isAdmin: boolean;
  children: ReactNode;
}) {
  const value = useKeptOptions(dataset, isAdmin, true);
  return <AppliedOptionsContext.Provider value={value}>{children}</AppliedOptionsContext.Provider>;
}

/** The page's applied options; without a provider, the component's own (kept as well). */
export function useAppliedOptions(dataset: Dataset, isAdmin: boolean): AppliedOptions {
  const shared = useContext(AppliedOptionsContext);
  const own = useKeptOptions(dataset, isAdmin, shared === null);
  return shared ?? own;
}

/** The applied options, or null where no provider holds any (the preview then shows every column). */
export function useSharedOptions(): TExportOptionsInput | null {
  return useContext(AppliedOptionsContext)?.options ?? null;
}
