import { openApiDocument } from "@/lib/http/openapi/document";
const d = openApiDocument() as any;
console.log(JSON.stringify(d.paths["/api/audit"].get.parameters.map((p: any) => [p.name, p.schema])));
console.log(JSON.stringify(d.paths["/api/datasets"].post.requestBody, null, 0).slice(0, 1500));
console.log(JSON.stringify(d.paths["/api/export/{format}/{datasetId}"].get.parameters.slice(0,4)));
console.log(JSON.stringify(d.components.schemas.ExportJob).slice(0, 400));
console.log(JSON.stringify(d).length);
