// Channels: a chat room. Subscribe, then broadcast:
//   npx wscat -c ws://localhost:8000/channels/room                      # first frame: { channel, connectionId }
//   curl localhost:8000/actions/broadcast -H 'content-type: application/json' -d '{"from":"ann","text":"hi"}'
//   curl ... -d '{"from":"ann","text":"psst","connectionId":"<id>"}'     # to one subscriber, on any instance
// Or one socket for everything: ws://localhost:8000/ws, then send
//   {"id":1,"subscribe":"room"}  and  {"id":2,"action":"broadcast","input":{"from":"ann","text":"hi"}}
// Or over GraphQL (graphql-transport-ws on ws://localhost:8000/graphql): `subscription { room { from text } }`.
// The document of the channels: GET /asyncapi.json, or `serval asyncapi examples`.
import { action, channel } from 'serval'
import { z } from 'zod'

const Message = z.object({ from: z.string().min(1).max(50), text: z.string().min(1).max(2000), to: z.string().optional() })

/** The room: anyone may listen; a message with `to` reaches only that user (by token subject). */
export const room = channel('room', {
  description: 'A chat room',
  event: Message,
  access: 'public',
  filter: (message, principal) => message.to === undefined || message.to === principal?.sub,
})

export const broadcast = action(
  {
    description: 'Send a message to the room (or, with connectionId, to one subscriber)',
    access: 'public',
    input: Message.extend({ connectionId: z.string().optional() }),
    output: z.object({ sent: z.boolean() }),
    examples: [{ name: 'say_hi', input: { from: 'ann', text: 'hi' }, output: { sent: true } }],
  },
  async ({ connectionId, ...message }) => {
    await room.publish(message, connectionId ? { connectionId } : {})
    return { sent: true }
  },
)
