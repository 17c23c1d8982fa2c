// What Alga needs before a client can book: the tenant's zone, a service bookable without a
// contract and one only under a contract, and a technician's hours every day (09:00–17:00 in the
// tenant's zone, 15 minutes of buffer after each entry), as Alga's settings pages write them.
import type { Knex } from 'knex';

export const ALGA_ZONE = 'Europe/Berlin';

export async function setUpAlgaBooking(db: Knex, tenant: string, technician: string): Promise<{ service: string; contractOnly: string }> {
  await db('tenant_settings')
    .where({ tenant })
    .update({ settings: db.raw(`settings || '{"timezone": "${ALGA_ZONE}"}'::jsonb`) });
  const [type] = await db('service_types').insert({ tenant, name: 'Onsite' }).returning('id');
  const newService = async (service_name: string) =>
    (
      await db('service_catalog')
        .insert({ tenant, service_name, billing_method: 'hourly', custom_service_type_id: type.id })
        .returning('service_id')
    )[0].service_id as string;
  const service = await newService('Printer maintenance visit');
  const contractOnly = await newService('Server migration');
  await db('availability_settings').insert([
    { tenant, setting_type: 'service_rules', service_id: service, allow_without_contract: true, minimum_notice_hours: 1 },
    { tenant, setting_type: 'service_rules', service_id: contractOnly, allow_without_contract: false },
    ...[0, 1, 2, 3, 4, 5, 6].map((day_of_week) => ({
      tenant,
      setting_type: 'user_hours',
      user_id: technician,
      day_of_week,
      start_time: '09:00',
      end_time: '17:00',
      buffer_after_minutes: 15,
    })),
  ]);
  return { service, contractOnly };
}

/** A Monday to Friday date at least `fromDays` ahead, 'YYYY-MM-DD'. */
export function algaWorkday(fromDays: number): string {
  let at = Date.now() + fromDays * 86_400_000;
  while ([0, 6].includes(new Date(at).getUTCDay())) at += 86_400_000;
  return new Date(at).toISOString().slice(0, 10);
}

/**
 * Alga's client portal switch for appointments, as updateClientPortalFeatureSettings writes it
 * (packages/client-portal clientPortalFeatureSettingsActions.ts): tenant_settings.settings with
 * clientPortal.appointmentsEnabled merged in, and updated_at.
 */
export async function setAlgaAppointmentsEnabled(db: Knex, tenant: string, enabled: boolean): Promise<void> {
  await db('tenant_settings')
    .where({ tenant })
    .update({
      settings: db.raw(
        `coalesce(settings, '{}'::jsonb) || jsonb_build_object('clientPortal', coalesce(settings -> 'clientPortal', '{}'::jsonb) || jsonb_build_object('appointmentsEnabled', ?::boolean))`,
        [enabled],
      ),
      updated_at: db.fn.now(),
    });
}
