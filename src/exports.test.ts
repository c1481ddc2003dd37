import { describe, expect, it } from 'vitest'
import * as serval from 'serval'
import * as testing from 'serval/testing'
import * as lambda from 'serval/lambda'
import * as client from 'serval/client'

// Pins the public surface: a rename or removal must be a decision, not an accident.
describe('public exports', () => {
  it('serval', () => {
    expect(Object.keys(serval).sort()).toMatchInlineSnapshot(`
      [
        "ActionError",
        "Asset",
        "JobService",
        "Registry",
        "ServalError",
        "SettingsError",
        "action",
        "activeTraceparent",
        "asset",
        "background",
        "buildAsyncApi",
        "buildHttpServer",
        "buildOpenApi",
        "buildRegistry",
        "channel",
        "channelsOf",
        "channelsSetup",
        "createApp",
        "defineConfig",
        "disabledResource",
        "discoverActions",
        "discoverChannels",
        "discoverResources",
        "errorCodes",
        "file",
        "formatTraceparent",
        "isAction",
        "isChannel",
        "isFileOutput",
        "isRedirect",
        "isResolver",
        "isResource",
        "jobsOf",
        "kebabCase",
        "listen",
        "loadApp",
        "loadSettings",
        "metricsExtension",
        "openResources",
        "parseTraceparent",
        "redirect",
        "resolver",
        "resource",
        "resourcesExtension",
        "serve",
        "signWebhook",
        "toProblem",
        "upload",
        "verifyWebhook",
        "webhook",
      ]
    `)
  })
  it('serval/testing', () => {
    expect(Object.keys(testing).sort()).toMatchInlineSnapshot(`
      [
        "createTestServer",
        "exampleCases",
        "loadExampleCases",
        "loadTestApp",
      ]
    `)
  })
  it('serval/client', () => {
    expect(Object.keys(client).sort()).toMatchInlineSnapshot(`
      [
        "ServalClientError",
        "createClient",
        "encodeQuery",
        "parseSse",
      ]
    `)
  })
  it('serval/lambda', () => {
    expect(Object.keys(lambda).sort()).toMatchInlineSnapshot(`
      [
        "createHandler",
        "handler",
      ]
    `)
  })
})
