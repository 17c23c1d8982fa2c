// verifyPassword's answer as a contact: 'host-sign-in-only' (a login the host asks a second factor
// of) is no contact, which the tests that expect one then see fail.
import type { HostContact } from '../../src/core/ports/host.ts';

export const contactOf = (answer: HostContact | null | 'host-sign-in-only'): HostContact | null =>
  typeof answer === 'object' ? answer : null;
