// The registry of an instance's open live streams (src/core/live/live-streams.ts), without a server: the
// caps per session and per address (a refused stream takes no slot, a released one frees its slot
// once however often it is released), the client streams it lists for ending with a session, the
// one shared keep-alive timer, and shutdown ending every stream.
import { expect } from 'chai';
import { createLiveStreams, type StreamEnd, type StreamHolder } from '../../src/core/live/live-streams.ts';

const client = (sidHash: string, clientUserId = 'u1', ip: string | null = '10.0.0.1'): StreamHolder => ({
  session: sidHash,
  ip,
  client: { workspaceId: 'w1', clientUserId, sidHash },
});

describe('live stream registry', function () {
  it('refuses a session past its cap, and frees the slot of a released stream once', function () {
    const streams = createLiveStreams({ caps: { perSession: 2, perIp: 10 } });
    const first = streams.add(client('s1'), () => {});
    const second = streams.add(client('s1'), () => {});
    expect(first.ok && second.ok).to.equal(true);
    expect(streams.add(client('s1'), () => {})).to.deep.equal({ ok: false, cap: 'session' });
    // Another session of the same address is not held to this one's cap.
    expect(streams.add(client('s2'), () => {}).ok).to.equal(true);
    if (!first.ok) throw new Error('unreachable');
    first.release();
    first.release();
    expect(streams.size).to.equal(2);
    expect(streams.add(client('s1'), () => {}).ok).to.equal(true);
    expect(streams.add(client('s1'), () => {}).ok).to.equal(false);
  });

  it('refuses an address past its cap whatever the session, and counts no address it does not know', function () {
    const streams = createLiveStreams({ caps: { perSession: 5, perIp: 3 } });
    for (const sid of ['a', 'b', 'c']) expect(streams.add(client(sid), () => {}).ok).to.equal(true);
    expect(streams.add(client('d'), () => {})).to.deep.equal({ ok: false, cap: 'ip' });
    expect(streams.add(client('d', 'u1', '10.0.0.2'), () => {}).ok).to.equal(true);
    expect(streams.add(client('e', 'u1', null), () => {}).ok).to.equal(true);
  });

  it('lists the client streams of one client user, and no staff stream', function () {
    const streams = createLiveStreams();
    streams.add(client('s1', 'u1'), () => {});
    streams.add(client('s2', 'u2'), () => {});
    streams.add({ session: 'staff:w1:7', ip: '10.0.0.1' }, () => {});
    expect(streams.clientStreams().map((s) => s.client.sidHash)).to.deep.equal(['s1', 's2']);
    expect(streams.clientStreams({ workspaceId: 'w1', clientUserId: 'u2' }).map((s) => s.client.sidHash)).to.deep.equal(['s2']);
    expect(streams.clientStreams({ workspaceId: 'w2', clientUserId: 'u2' })).to.deep.equal([]);
  });

  it('ends every stream for shutdown and tells the metrics of each open and close', function () {
    let open = 0;
    const streams = createLiveStreams({
      opened: () => {
        open++;
        return () => open--;
      },
    });
    const ended: StreamEnd[] = [];
    const slots = ['s1', 's2'].map((sid) => streams.add(client(sid), (why) => ended.push(why)));
    expect(open).to.equal(2);
    streams.endAll();
    expect(ended).to.deep.equal(['shutdown', 'shutdown']);
    expect(streams.closing).to.equal(true);
    for (const slot of slots) if (slot.ok) slot.release();
    expect(open).to.equal(0);
  });

  it('keeps every open stream alive from one timer, which stops once none is open', async function () {
    const streams = createLiveStreams({ heartbeatMs: 20 });
    const beats = [0, 0];
    const slots = [0, 1].map((i) =>
      streams.add(
        client(`s${i}`),
        () => {},
        () => beats[i]!++,
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 75));
    expect(beats[0]).to.be.at.least(2);
    expect(beats[1]).to.equal(beats[0]);
    for (const slot of slots) if (slot.ok) slot.release();
    const after = [...beats];
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(beats).to.deep.equal(after);
  });
});
