"use client";
// The API document rendered by Scalar, bundled: its default web fonts (fetched from its own
// site), telemetry, the hosted client and the AI agent are turned off, so the page loads
// nothing from outside the app. The viewer (a Vue app mounted into a div) is loaded in the
// browser only, once the page is there.
import "@scalar/api-reference-react/style.css";
import type { ApiReferenceReact } from "@scalar/api-reference-react";
import { useEffect, useMemo, useState } from "react";

type Viewer = typeof ApiReferenceReact;

export function ApiReference({ document, loading }: { document: string; loading: string }) {
  const [Viewer, setViewer] = useState<Viewer | null>(null);
  useEffect(() => {
    let live = true;
    void import("@scalar/api-reference-react").then((module) => {
      if (live) setViewer(() => module.ApiReferenceReact);
    });
    return () => {
      live = false;
    };
  }, []);
  const configuration = useMemo(
    () => ({
      content: document,
      withDefaultFonts: false,
      // Scripts use a personal access token: the examples show it rather than the cookie.
      authentication: { preferredSecurityScheme: "bearerToken" },
      telemetry: false,
      hideClientButton: true,
      showDeveloperTools: "never" as const,
      agent: { disabled: true },
      documentDownloadType: "json" as const,
      hideDarkModeToggle: true,
      forceDarkModeState: "light" as const,
      customCss: ".scalar-app { --scalar-font: inherit; --scalar-font-code: ui-monospace, monospace; }",
    }),
    [document],
  );
  return (
    <div className="overflow-hidden rounded-lg border border-slate-200 bg-white">
      {Viewer ? (
        <Viewer configuration={configuration} />
      ) : (
        <p className="p-6 text-sm text-slate-600" role="status">
          {loading}
        </p>
      )}
    </div>
  );
}
