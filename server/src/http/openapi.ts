import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { AGENT_WS_PATH, ENROLL_PATH } from '@patchwave/shared';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

const description = `REST API of the patchwave control server.

Operators authenticate with an API token: \`Authorization: Bearer pwt_…\`. Agents enroll once at
\`POST ${ENROLL_PATH}\` with an enrollment token and then connect to the WebSocket
\`GET ${AGENT_WS_PATH}\` with \`Authorization: Bearer pwa_…\` (checked before the upgrade: 401 otherwise).

Every error is \`{ "error": { "code": "E_…", "message": "…", "details": … } }\` with a stable code.`;

/** OpenAPI document from the routes' zod schemas, served with Swagger UI at /docs (public). */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'patchwave', description, version },
      components: { securitySchemes: { apiToken: { type: 'http', scheme: 'bearer', description: 'API token (pwt_…)' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(async (docs) => {
    // Swagger UI's own routes are documentation: public. Declared here, in one place.
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, access: route.config?.access ?? 'public' };
    });
    await docs.register(swaggerUi, { routePrefix: '/docs' });
  });
}
