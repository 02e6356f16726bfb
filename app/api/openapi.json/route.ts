// GET /api/openapi.json – the API document (OpenAPI 3.1), for anyone: it describes the
// routes, not their data. Built once per process from the routes' own zod schemas.
import { otherMethods, withUser } from "@/lib/http/handler";
import { openApiDocument } from "@/lib/http/openapi/document";

export const GET = withUser(
  async () =>
    Response.json(openApiDocument(), {
      headers: { "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*" },
    }),
  { public: true },
);

export const { HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = otherMethods({ GET });
