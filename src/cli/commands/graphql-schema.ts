import { printSchema } from 'graphql'
import { buildGraphqlSchema } from '../../graphql/index.ts'
import { documentCommand } from './document.ts'

/** `serval graphql-schema [--out F] [DIR...]`: writes the SDL of the GraphQL schema (stdout by default). */
export const graphqlSchemaCommand = documentCommand(async (app) => printSchema(await buildGraphqlSchema(app)))
