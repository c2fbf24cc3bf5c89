/** TypeScript types of the API, generated from the OpenAPI document by openapi-typescript. */
import openapiTS, { astToString } from 'openapi-typescript';

export async function generateClientTypes(specJson: string): Promise<string> {
  const ast = await openapiTS(specJson);
  return `// Generated from openapi/openapi.json by openapi-typescript (npm run openapi). Do not edit.\n${astToString(ast)}`;
}
