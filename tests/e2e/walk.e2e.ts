/**
 * The admin walked as staff walk it, in a real browser against the built admin of a running app
 * (sandbox mode, demo data). Each test logs in on its own and leaves the app as it found it where
 * it changed a shared setting, so none leans on another's order. Each one saves a screenshot of
 * the page it checked in docs/screenshots/ (shown in the README).
 */
import type { Browser, Page } from 'playwright-core';
import { metaJson, signMeta } from '../fakes/sign';
import { metaPayload, metaText } from '../helpers/webhooks';
import { ADMIN, EDITOR, META_APP_SECRET, adminToken, appUrl, launch, logIn, screenshot } from './browser';

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const plugin = (path = '') => `${appUrl()}/admin/plugins/whatsapp${path ? `/${path}` : ''}`;

/** Runs `walk` on a fresh logged-in page; on failure saves what the page showed, for the log. */
async function asStaff(walk: (page: Page) => Promise<void>, who = ADMIN): Promise<void> {
  const { context, page } = await logIn(browser, who);
  try {
    await walk(page);
  } catch (error) {
    await page.screenshot({ path: `.tmp/e2e/failure-${Date.now()}.png`, fullPage: true }).catch(() => undefined);
    throw error;
  } finally {
    await context.close();
  }
}

/** The admin API as the page's user. */
async function api<T>(page: Page, method: string, path: string, body?: unknown): Promise<T> {
  const token = await adminToken(page);
  const response = await fetch(`${appUrl()}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

it('logs in and opens the dashboard, with sandbox mode shown', async () => {
  await asStaff(async (page) => {
    await page.getByRole('link', { name: 'WhatsApp' }).first().click();
    await page.waitForURL(/\/admin\/plugins\/whatsapp$/);
    await page.getByRole('heading', { name: 'WhatsApp', level: 1 }).waitFor();
    await page.getByText('Sandbox', { exact: true }).first().waitFor();
    await page.getByText('Sandbox mode is on: nothing leaves this machine and no customer receives anything.').waitFor();
    // The numbers of the last 7 days (the demo conversations' messages among them).
    await page.getByText('Loading the numbers…').waitFor({ state: 'detached' });
    await page.getByText('Sent', { exact: true }).first().waitFor();
    await page.getByText('Delivered', { exact: true }).first().waitFor();
    await screenshot(page, 'dashboard');
  });
});

it('sends a template message with its preview and sees it in the log as sent', async () => {
  await asStaff(async (page) => {
    await page.goto(plugin('messages'));
    await page.getByRole('link', { name: 'New message' }).click();
    await page.getByRole('textbox', { name: 'To' }).fill('María');
    await page.getByRole('button', { name: /María González/ }).click();
    await page.getByRole('combobox', { name: 'Template' }).click();
    await page.getByRole('option', { name: /vehiculo_listo/ }).click();
    const values: Record<string, string> = { nombre: 'María', vehiculo: 'Mazda 3', placa: 'XYZ-987', orden: 'OT-2001' };
    for (const [name, value] of Object.entries(values)) await page.getByRole('textbox', { name, exact: true }).fill(value);
    // The server renders the preview as the values are typed.
    await page.getByText(/Mazda 3.*XYZ-987|XYZ-987.*Mazda 3/).first().waitFor();
    await screenshot(page, 'new-message');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.waitForURL(/messages\?message=\d+/);
    // The log opens on the message: its text as sent, then (sandbox mode) the dispatcher's `sent`.
    const dialog = page.getByRole('dialog').filter({ hasText: /Message #\d+/ });
    await dialog.getByText('Hola María, tu Mazda 3 con placas XYZ-987 ya está listo.', { exact: false }).waitFor();
    for (let attempt = 0; attempt < 20 && !(await dialog.getByText('Sent', { exact: true }).count()); attempt += 1) {
      await page.waitForTimeout(1000);
      await page.reload();
    }
    await dialog.getByText('Sent', { exact: true }).first().waitFor();
    await screenshot(page, 'messages');
  });
});

it('imports a CSV with one bad row and shows that row’s error', async () => {
  await asStaff(async (page) => {
    await page.goto(plugin('contacts-import'));
    const csv = ['nombre,teléfono', 'Rosa Díaz,+52 55 1111 2233', 'Sin número,12', 'Pedro Páez,+52 33 4444 5566'].join('\n');
    await page.locator('input[type="file"]').setInputFiles({ name: 'clientes.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('Import finished: 3 rows read').waitFor();
    await page.getByText('Rows not imported (1)').waitFor();
    const errorRow = page.locator('table tbody tr').filter({ hasText: '12' }).first();
    await errorRow.waitFor();
    expect(await errorRow.locator('td').first().innerText()).toBe('3');
    await page.getByText('Created: 2').waitFor();
    await screenshot(page, 'contacts-import');
  });
});

it('switches sandbox mode off and on again, each change confirmed and in the history', async () => {
  await asStaff(async (page) => {
    await page.goto(`${appUrl()}/admin/settings/whatsapp`);
    const toggle = page.getByRole('checkbox', { name: /sandbox mode/i }).first();
    await toggle.waitFor();
    expect(await toggle.isChecked()).toBe(true);
    await toggle.click();
    await page.getByRole('alertdialog').getByRole('button', { name: /confirm/i }).click();
    await page.getByText('Live mode is on: messages go to the provider.').first().waitFor();
    await toggle.click();
    await page.getByRole('alertdialog').getByRole('button', { name: /confirm/i }).click();
    await page.getByText('Sandbox mode is on.').first().waitFor();
    const history = page.locator('table').filter({ hasText: 'What changed' });
    await history.getByText(/sandbox/i).first().waitFor();
    expect(await history.locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
    await screenshot(page, 'settings');
  });
});

it('answers a customer in the inbox after a signed webhook brings their message', async () => {
  const from = `52155${String(Date.now()).slice(-8)}`;
  const payload = metaPayload(metaText(from, 'Rocío Campos', '¿Ya está listo mi coche?'));
  const raw = metaJson(payload);
  const response = await fetch(`${appUrl()}/api/whatsapp/webhooks/meta`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMeta(META_APP_SECRET, raw) },
    body: raw,
  });
  expect(response.status).toBe(200);

  await asStaff(async (page) => {
    await page.goto(plugin('inbox'));
    await page.getByText('Rocío Campos').first().click();
    await page.getByText('¿Ya está listo mi coche?').first().waitFor();
    await page.getByPlaceholder(/write a reply/i).fill('Sí, ya puedes pasar por él. ¡Gracias!');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByText('Sí, ya puedes pasar por él. ¡Gracias!').first().waitFor();
    await screenshot(page, 'inbox');
  });
});

it('marks a work order COMPLETED and sees its WhatsApp message in the record’s side panel', async () => {
  await asStaff(async (page) => {
    const uid = 'api::work-order.work-order';
    const list = await api<{ results: Array<{ documentId: string; number: string }> }>(
      page,
      'GET',
      `/content-manager/collection-types/${uid}?filters[$and][0][state][$eq]=IN_PROGRESS&pageSize=1`
    );
    const [order] = list.results;
    if (!order) throw new Error('the demo data has no work order in progress');
    await page.goto(`${appUrl()}/admin/content-manager/collection-types/${uid}/${order.documentId}`);
    const panel = page.locator('aside, [role="complementary"]').filter({ hasText: 'WhatsApp messages' }).first();
    await panel.getByText('No messages sent for this record yet.').waitFor();
    await page.getByRole('combobox', { name: 'state' }).click();
    await page.getByRole('option', { name: 'COMPLETED' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await panel.getByText('vehiculo_listo').first().waitFor({ timeout: 60000 });
    await screenshot(page, 'record-panel');
  });
});

it('lists the automations and opens one in its editor', async () => {
  await asStaff(async (page) => {
    await page.goto(plugin('automations'));
    await page.getByRole('heading', { name: 'Automations', level: 1 }).waitFor();
    await page.getByText('Vehículo listo').first().waitFor();
    await page.getByText('Loading the runs…').waitFor({ state: 'detached' });
    await screenshot(page, 'automations');
    await page.getByText('Vehículo listo').first().click();
    await page.getByRole('heading', { name: 'Vehículo listo', level: 1 }).waitFor();
    await screenshot(page, 'automation-editor');
  });
});

it('launches a campaign to a pasted list and watches it reach 100 %', async () => {
  await asStaff(async (page) => {
    await page.goto(plugin('campaigns/new'));
    await page.getByLabel('Name').fill(`Aviso de entrega ${Date.now()}`);
    await page.getByRole('combobox', { name: 'Template' }).click();
    await page.getByRole('option', { name: 'vehiculo_listo' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('radio', { name: /a list of numbers/i }).click();
    await page.locator('textarea').first().fill(['+52 55 1234 5678', '+52 33 8765 4321'].join('\n'));
    await page.getByRole('button', { name: 'Next' }).click();
    // {{nombre}} comes from the contact's name; the others are the same text for everyone.
    const texts: Record<number, string> = { 1: 'tu vehículo', 2: 'ABC-123', 3: 'OT-1' };
    for (const [row, text] of Object.entries(texts)) {
      await page.getByRole('combobox', { name: 'Comes from' }).nth(Number(row)).click();
      await page.getByRole('option', { name: 'The same text for everyone' }).click();
      await page.getByRole('textbox', { name: 'Text' }).last().fill(text);
    }
    await screenshot(page, 'campaign-wizard');
    await page.getByRole('button', { name: 'Next' }).click();
    // The schedule step says which number it goes from (a picker when there is a choice).
    await page.getByText('Sent from').first().waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    // The review names the number too, above the estimate.
    await page.getByText('Sent from').first().waitFor();
    await page.getByRole('button', { name: 'Launch', exact: true }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: /launch|confirm/i }).click();
    await page.getByText(/100% done: 2 of 2 messages/).waitFor({ timeout: 60000 });
    await screenshot(page, 'campaign');
  });
});

it('shows the plugin in Spanish to a user who chose Spanish', async () => {
  const chooseLanguage = async (page: Page, language: RegExp) => {
    await page.goto(`${appUrl()}/admin/me`);
    await page.getByRole('combobox', { name: /interface language|idioma de interfaz/i }).click();
    await page.getByRole('option', { name: language }).click();
    // Already in that language: nothing to save.
    const save = page.getByRole('button', { name: /^(save|guardar)$/i });
    if (await save.isEnabled()) await save.click();
  };
  await asStaff(async (page) => {
    await chooseLanguage(page, /español/i);
    try {
      // The admin switches language at once, its own labels included.
      await page.getByRole('button', { name: 'Guardar' }).waitFor();
      await page.goto(plugin('messages'));
      await page.getByRole('heading', { name: 'Mensajes', level: 1 }).waitFor();
      await screenshot(page, 'messages-es');
    } finally {
      await chooseLanguage(page, /english/i);
      await page.getByRole('button', { name: 'Save' }).waitFor();
    }
  });
});

it('offers an editor only what the role may do', async () => {
  // The editor is created by the administrator through the admin API, as the Users page does.
  await asStaff(async (page) => {
    const roles = await api<{ data: Array<{ id: number; code: string }> }>(page, 'GET', '/admin/roles');
    const editorRole = roles.data.find((role) => role.code === 'strapi-editor');
    if (!editorRole) throw new Error('no Editor role');
    const users = await api<{ data: { results: Array<{ email: string }> } }>(page, 'GET', `/admin/users?filters[email][$eq]=${encodeURIComponent(EDITOR.email)}`);
    if (users.data.results.length === 0) {
      const created = await api<{ data: { registrationToken: string } }>(page, 'POST', '/admin/users', {
        email: EDITOR.email,
        firstname: EDITOR.firstname,
        lastname: 'Editor',
        roles: [editorRole.id],
      });
      await fetch(`${appUrl()}/admin/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ registrationToken: created.data.registrationToken, userInfo: { firstname: EDITOR.firstname, lastname: 'Editor', password: EDITOR.password } }),
      }).then((r) => expect(r.status).toBe(200));
    }
  });

  await asStaff(async (page) => {
    // No plugin permission: no WhatsApp in the menu, the pages say so, and the API refuses.
    await page.getByRole('link', { name: 'Content Manager' }).first().waitFor();
    expect(await page.getByRole('navigation').getByRole('link', { name: 'WhatsApp' }).count()).toBe(0);
    await page.goto(plugin('settings'));
    await page.getByText('You don\'t have the permissions to access that content').waitFor();
    const campaigns = await fetch(`${appUrl()}/whatsapp/campaigns`, { headers: { authorization: `Bearer ${await adminToken(page)}` } });
    expect(campaigns.status).toBe(403);
    await screenshot(page, 'editor-forbidden');
  }, EDITOR);
});
