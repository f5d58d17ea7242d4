/**
 * Meta's WhatsApp Cloud API error codes, as data: each code's class (what the dispatcher does),
 * a plain-words reason and remedy for shop staff in English and Spanish, whether SMS / email may
 * carry the message instead (`fallback`), and a minimum wait for codes that mean "wait"
 * (`waitSeconds`). Classified by code, never by title: Meta asks integrations to build on `code`
 * (and `error_data.details`), and answers HTTP 400 for rate limits and the 24-hour window alike.
 *
 * Documentation read on 2026-12-01:
 * - Meta, "WhatsApp error codes" — developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes
 *   (now served at developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes,
 *   "Updated: Jun 18, 2026"). The stored copy gave the page's introduction; its table (code,
 *   title, description, solution, HTTP status) was read through verbatim transcriptions of the
 *   page: the throttling / integrity / authorization / registration / template rows with their
 *   descriptions (0 … 135000, 131056 "wait and retry … you can still send to a different number",
 *   132069 "10 messages using this flow were already sent in the last hour", 133015 "wait 5
 *   minutes", 131049, 131050), and a later transcription of the same table that adds 130403,
 *   131060, 131062, 131063 and 131064.
 * - Twilio, "List of Corresponding Twilio and WhatsApp Error Codes"
 *   (twilio.com/docs/whatsapp/api/error-code-mapping), and the WhatsApp On-Premises API error
 *   list it links to, for the legacy code 470 (outside the 24-hour window ↔ Twilio 63016) and
 *   472 (number in an experiment ↔ Twilio 63032, today's 130472).
 *
 * Minimum waits (decided here from those descriptions): 131048 (spam rate limit on the number,
 * tied to its quality rating: not lifted within minutes) and 131049 (per-user marketing limit:
 * the later transcription says not to resend within 24 hours) wait a day; 131064 (restriction
 * for template category misuse) a day; 133016 (registration attempts) 72 hours; 132069
 * (throttled Flow, counted per hour) an hour; 133015 ("wait 5 minutes") 5 minutes.
 * 130429 (throughput, per second) and 131056 (pair rate: about one message every few seconds to
 * the same person) are short: no minimum, the dispatcher's backoff is already longer.
 *
 * Not found documented (kept so that staff see a plain text, with the conservative class):
 * - 131044: found on no version of Meta's page nor anywhere else; permanent, generic text.
 * - 132008: not on the Cloud API page as read; meaning from the On-Premises template family
 *   (2008 "template media format unsupported"); permanent.
 * - 131001, 131002, 133007: listed on older versions of the page (message too long, invalid
 *   recipient type, account blocked), absent from the current one.
 * - 131062, 131063, 131064, 130403, 131060: only in the later transcription (their wording
 *   paraphrased there); classes chosen here from that meaning.
 * - 131059: not found at all; left out (an unknown code is classified by its HTTP status).
 */
import type { ErrorTable } from '../classify';

/** Code → what it means for the message. `fallback`: SMS / email may carry it instead. */
export const META_ERRORS: ErrorTable = Object.freeze({
  // ── Authorization ──────────────────────────────────────────────────────────────────────────
  0: {
    kind: 'permanent',
    reason: 'Meta authentication failed (the access token expired or was revoked)',
    remedy: 'Renew META_ACCESS_TOKEN with a new token from Meta',
    es: { reason: 'Meta no pudo autenticar la aplicación (el token de acceso caducó o fue revocado)', remedy: 'Renueva META_ACCESS_TOKEN con un token nuevo de Meta' },
  },
  3: {
    kind: 'permanent',
    reason: 'The app lacks the capability or permission for this call',
    remedy: "Check the app's WhatsApp permissions (whatsapp_business_messaging) in Meta's token debugger",
    es: { reason: 'La aplicación no tiene la capacidad o el permiso para esta operación', remedy: 'Revisa los permisos de WhatsApp de la aplicación (whatsapp_business_messaging) en el depurador de tokens de Meta' },
  },
  10: {
    kind: 'permanent',
    reason: 'Permission denied (never granted or removed)',
    remedy: 'Grant the app whatsapp_business_messaging again and renew META_ACCESS_TOKEN',
    es: { reason: 'Permiso denegado (nunca se concedió o se retiró)', remedy: 'Vuelve a conceder whatsapp_business_messaging a la aplicación y renueva META_ACCESS_TOKEN' },
  },
  190: {
    kind: 'permanent',
    reason: 'Meta access token expired or invalid',
    remedy: 'Renew META_ACCESS_TOKEN (a permanent system-user token avoids this)',
    es: { reason: 'El token de acceso de Meta caducó o no es válido', remedy: 'Renueva META_ACCESS_TOKEN (un token permanente de usuario del sistema lo evita)' },
  },
  200: {
    kind: 'permanent',
    reason: 'Missing API permission',
    remedy: 'Grant the app whatsapp_business_messaging and renew META_ACCESS_TOKEN',
    es: { reason: 'Falta un permiso de la API', remedy: 'Concede whatsapp_business_messaging a la aplicación y renueva META_ACCESS_TOKEN' },
  },

  // ── Throttling ─────────────────────────────────────────────────────────────────────────────
  4: {
    kind: 'rate-limited',
    reason: 'Meta app rate limit reached (too many API calls)',
    remedy: 'Nothing: the dispatcher slows down and retries',
    es: { reason: 'Se alcanzó el límite de llamadas de la aplicación en Meta', remedy: 'Nada: el envío se frena y se reintenta solo' },
  },
  80007: {
    kind: 'rate-limited',
    reason: 'WhatsApp Business Account rate limit reached',
    remedy: 'Nothing: the dispatcher slows down and retries',
    es: { reason: 'Se alcanzó el límite de llamadas de la cuenta de WhatsApp Business', remedy: 'Nada: el envío se frena y se reintenta solo' },
  },
  130429: {
    kind: 'rate-limited',
    reason: 'Cloud API throughput limit reached (too many messages per second)',
    remedy: 'Nothing: the dispatcher slows down and retries',
    es: { reason: 'Se alcanzó el límite de mensajes por segundo de la Cloud API', remedy: 'Nada: el envío se frena y se reintenta solo' },
  },
  131048: {
    kind: 'rate-limited',
    waitSeconds: 86_400,
    reason: 'Spam rate limit reached: Meta restricts how many messages this number may send, because earlier ones were blocked or reported',
    remedy: 'Wait a day before sending again; check the quality rating in WhatsApp Manager and send fewer unwanted messages',
    es: {
      reason: 'Límite por spam: Meta restringe cuántos mensajes puede enviar este número porque otros mensajes fueron bloqueados o reportados',
      remedy: 'Espera un día antes de volver a enviar; revisa la calificación de calidad en WhatsApp Manager y envía menos mensajes no deseados',
    },
  },
  131056: {
    kind: 'rate-limited',
    reason: 'Too many messages to this person in a short time (pair rate limit)',
    remedy: 'Nothing: retried after a pause; messages to other people are not affected',
    es: { reason: 'Demasiados mensajes a esta persona en poco tiempo (límite por pareja de números)', remedy: 'Nada: se reintenta tras una pausa; los mensajes a otras personas no se ven afectados' },
  },
  131064: {
    kind: 'rate-limited',
    waitSeconds: 86_400,
    reason: "Meta is limiting this account's messages because its templates were sent under the wrong category",
    remedy: 'Wait a day before sending again; check each template category (utility vs marketing) in WhatsApp Manager',
    es: {
      reason: 'Meta limita los mensajes de esta cuenta porque sus plantillas se enviaron con una categoría equivocada',
      remedy: 'Espera un día antes de volver a enviar; revisa la categoría de cada plantilla (utilidad o marketing) en WhatsApp Manager',
    },
  },
  132069: {
    kind: 'rate-limited',
    waitSeconds: 3_600,
    reason: 'The WhatsApp Flow is throttled: 10 messages using it were already sent in the last hour',
    remedy: 'Wait an hour; correct the Flow in WhatsApp Manager so it is no longer throttled',
    es: { reason: 'El formulario (Flow) de WhatsApp está limitado: ya se enviaron 10 mensajes con él en la última hora', remedy: 'Espera una hora; corrige el Flow en WhatsApp Manager para que deje de estar limitado' },
  },

  // ── Integrity ──────────────────────────────────────────────────────────────────────────────
  368: {
    kind: 'permanent',
    reason: 'The WhatsApp Business Account is restricted for violating a platform policy',
    remedy: 'Review the account quality and policy notices in WhatsApp Manager',
    es: { reason: 'La cuenta de WhatsApp Business está restringida por incumplir una política de la plataforma', remedy: 'Revisa la calidad de la cuenta y los avisos de políticas en WhatsApp Manager' },
  },
  130497: {
    kind: 'permanent',
    reason: 'The business cannot message users in this country',
    remedy: 'Messaging this country is not allowed for this business category',
    es: { reason: 'El negocio no puede enviar mensajes a usuarios de este país', remedy: 'La categoría de este negocio no permite enviar mensajes a este país' },
  },
  131031: {
    kind: 'permanent',
    reason: 'The WhatsApp Business account is locked (policy violation or data that could not be verified)',
    remedy: 'Check the account status in WhatsApp Manager and contact Meta support',
    es: { reason: 'La cuenta de WhatsApp Business está bloqueada (incumplimiento de políticas o datos que no se pudieron verificar)', remedy: 'Revisa el estado de la cuenta en WhatsApp Manager y contacta con el soporte de Meta' },
  },

  // ── The recipient ──────────────────────────────────────────────────────────────────────────
  130403: {
    kind: 'permanent',
    reason: 'The business has blocked this customer on WhatsApp',
    remedy: 'Unblock the customer in WhatsApp Manager if you want to message them',
    es: { reason: 'El negocio bloqueó a este cliente en WhatsApp', remedy: 'Desbloquea al cliente en WhatsApp Manager si quieres escribirle' },
  },
  130472: {
    kind: 'permanent',
    fallback: true,
    reason: "The customer's number is part of a Meta experiment and did not get this message on WhatsApp",
    remedy: 'Nothing on WhatsApp: try again another day or contact the customer another way',
    es: { reason: 'El número del cliente forma parte de un experimento de Meta y no recibió este mensaje por WhatsApp', remedy: 'Nada en WhatsApp: inténtalo otro día o contacta al cliente por otra vía' },
  },
  131021: {
    kind: 'permanent',
    reason: 'The recipient is the business number itself',
    remedy: 'Send to another number',
    es: { reason: 'El destinatario es el propio número del negocio', remedy: 'Envía a otro número' },
  },
  131026: {
    kind: 'permanent',
    fallback: true,
    reason: 'Message undeliverable (the number may not be on WhatsApp, or uses an old app or has not accepted the terms)',
    remedy: 'The number may not use WhatsApp: the fallback channel is used when the template has one',
    es: {
      reason: 'No se pudo entregar el mensaje (el número puede no tener WhatsApp, usar una versión antigua o no haber aceptado las condiciones)',
      remedy: 'El número puede no usar WhatsApp: se usa el canal alternativo si la plantilla lo tiene',
    },
  },
  131030: {
    kind: 'permanent',
    reason: 'The recipient is not in the allowed list of the test phone number',
    remedy: "Add the number to the test number's recipient list, or send from the registered business number",
    es: { reason: 'El destinatario no está en la lista permitida del número de prueba', remedy: 'Añade el número a la lista de destinatarios del número de prueba o envía desde el número registrado del negocio' },
  },
  131047: {
    kind: 'outside-window',
    reason: 'More than 24 hours since the customer last wrote: use an approved template',
    remedy: 'Send an approved template instead of free text',
    es: { reason: 'Pasaron más de 24 horas desde el último mensaje del cliente: usa una plantilla aprobada', remedy: 'Envía una plantilla aprobada en lugar de texto libre' },
  },
  131049: {
    kind: 'permanent',
    waitSeconds: 86_400,
    reason: 'Meta did not deliver this message to keep ecosystem engagement healthy (per-user marketing limit)',
    remedy: 'Do not resend within a day; send fewer marketing messages to this person',
    es: { reason: 'Meta no entregó este mensaje para cuidar la interacción en WhatsApp (límite de marketing por persona)', remedy: 'No lo reenvíes antes de un día; envía menos mensajes de marketing a esta persona' },
  },
  131050: {
    kind: 'opted-out',
    reason: 'The user stopped marketing messages from this business',
    remedy: 'None: the person stopped marketing messages; consent is revoked',
    es: { reason: 'La persona dejó de recibir mensajes de marketing de este negocio', remedy: 'Ninguno: la persona pidió no recibir marketing; su consentimiento queda revocado' },
  },
  131062: {
    kind: 'permanent',
    reason: "This kind of message cannot be sent to the customer's WhatsApp user ID",
    remedy: "Send it to the customer's phone number instead",
    es: { reason: 'Este tipo de mensaje no se puede enviar al identificador de WhatsApp del cliente', remedy: 'Envíalo al número de teléfono del cliente' },
  },
  131063: {
    kind: 'permanent',
    reason: 'Marketing messages are turned off in the Cloud API for this account',
    remedy: 'Check the marketing messages setting of the account in WhatsApp Manager',
    es: { reason: 'Los mensajes de marketing están desactivados en la Cloud API para esta cuenta', remedy: 'Revisa la configuración de mensajes de marketing de la cuenta en WhatsApp Manager' },
  },
  470: {
    kind: 'outside-window',
    reason: 'Outside the 24-hour window for free text (legacy code): use an approved template',
    remedy: 'Send an approved template instead of free text',
    es: { reason: 'Fuera de la ventana de 24 horas para texto libre (código antiguo): usa una plantilla aprobada', remedy: 'Envía una plantilla aprobada en lugar de texto libre' },
  },

  // ── The request and the account ────────────────────────────────────────────────────────────
  1: {
    kind: 'transient',
    reason: 'Meta API unknown error (possibly a temporary server problem)',
    remedy: 'Nothing: retried automatically; if it keeps failing, check the WhatsApp Business Platform status page',
    es: { reason: 'Error desconocido de la API de Meta (posible problema temporal del servidor)', remedy: 'Nada: se reintenta solo; si sigue fallando, revisa la página de estado de WhatsApp Business Platform' },
  },
  2: {
    kind: 'transient',
    reason: 'Meta API service temporarily unavailable',
    remedy: 'Nothing: retried automatically',
    es: { reason: 'El servicio de la API de Meta no está disponible por ahora', remedy: 'Nada: se reintenta solo' },
  },
  33: {
    kind: 'permanent',
    reason: 'The business phone number has been deleted',
    remedy: 'Check META_PHONE_NUMBER_ID is correct and the number still exists in WhatsApp Manager',
    es: { reason: 'El número de teléfono del negocio fue eliminado', remedy: 'Comprueba que META_PHONE_NUMBER_ID es correcto y que el número sigue existiendo en WhatsApp Manager' },
  },
  100: {
    kind: 'permanent',
    reason: 'Invalid parameter (unsupported or misspelled)',
    remedy: 'Check the request fields (template name, numbers)',
    es: { reason: 'Parámetro no válido (no admitido o mal escrito)', remedy: 'Revisa los datos del envío (nombre de la plantilla, números)' },
  },
  131000: {
    kind: 'transient',
    reason: 'Meta: something went wrong (unknown error)',
    remedy: 'Nothing: retried automatically; if it persists, open a ticket with Meta support',
    es: { reason: 'Meta: algo salió mal (error desconocido)', remedy: 'Nada: se reintenta solo; si persiste, abre un caso con el soporte de Meta' },
  },
  131001: {
    kind: 'permanent',
    reason: 'The message is too long',
    remedy: 'Shorten the message',
    es: { reason: 'El mensaje es demasiado largo', remedy: 'Acorta el mensaje' },
  },
  131002: {
    kind: 'permanent',
    reason: 'Invalid recipient type',
    remedy: 'Send to an individual phone number',
    es: { reason: 'Tipo de destinatario no válido', remedy: 'Envía a un número de teléfono individual' },
  },
  131005: {
    kind: 'permanent',
    reason: 'Access denied',
    remedy: "Check META_ACCESS_TOKEN's permissions",
    es: { reason: 'Acceso denegado', remedy: 'Revisa los permisos de META_ACCESS_TOKEN' },
  },
  131008: {
    kind: 'permanent',
    reason: 'A required parameter is missing',
    remedy: "Check the template's parameters and the message fields",
    es: { reason: 'Falta un dato obligatorio', remedy: 'Revisa los parámetros de la plantilla y los campos del mensaje' },
  },
  131009: {
    kind: 'permanent',
    reason: 'A parameter value is not valid',
    remedy: "Check the template's parameters and the message fields",
    es: { reason: 'Algún dato no es válido', remedy: 'Revisa los parámetros de la plantilla y los campos del mensaje' },
  },
  131016: {
    kind: 'transient',
    reason: 'WhatsApp service temporarily unavailable',
    remedy: 'Nothing: retried automatically',
    es: { reason: 'El servicio de WhatsApp no está disponible por ahora', remedy: 'Nada: se reintenta solo' },
  },
  131037: {
    kind: 'permanent',
    reason: 'The sender display name needs approval',
    remedy: 'Get the display name approved in WhatsApp Manager',
    es: { reason: 'El nombre visible del remitente necesita aprobación', remedy: 'Consigue que se apruebe el nombre visible en WhatsApp Manager' },
  },
  131042: {
    kind: 'permanent',
    reason: 'Business payment issue (no valid payment method or credit line)',
    remedy: 'Fix the payment method in WhatsApp Manager (Billing)',
    es: { reason: 'Problema de pago del negocio (sin método de pago o línea de crédito válidos)', remedy: 'Corrige el método de pago en WhatsApp Manager (Facturación)' },
  },
  131044: {
    kind: 'permanent',
    reason: 'Meta refused the message (error 131044, not described in Meta documentation)',
    remedy: "Read Meta's details in the message log; contact Meta support if it repeats",
    es: { reason: 'Meta rechazó el mensaje (error 131044, sin descripción en la documentación de Meta)', remedy: 'Lee los detalles de Meta en el registro del mensaje; contacta con el soporte de Meta si se repite' },
  },
  131045: {
    kind: 'permanent',
    reason: 'The sender number is not registered correctly (certificate)',
    remedy: 'Register the phone number again',
    es: { reason: 'El número remitente no está bien registrado (certificado)', remedy: 'Vuelve a registrar el número de teléfono' },
  },
  131051: {
    kind: 'permanent',
    reason: 'Unsupported message type',
    remedy: 'Send text, a template or a supported media type',
    es: { reason: 'Tipo de mensaje no admitido', remedy: 'Envía texto, una plantilla o un tipo de archivo admitido' },
  },
  131052: {
    kind: 'permanent',
    reason: "The customer's file could not be downloaded",
    remedy: 'Ask the customer to send the file again, or by another way',
    es: { reason: 'No se pudo descargar el archivo del cliente', remedy: 'Pide al cliente que vuelva a enviar el archivo o que lo mande por otra vía' },
  },
  131053: {
    kind: 'permanent',
    // Files are uploaded to Meta (media-upload.ts), so this is about the file, not PUBLIC_URL.
    reason: 'Media upload error (unsupported, damaged or too large file)',
    remedy: 'Check the file is a valid PDF (up to 100 MB) or JPEG/PNG image (up to 5 MB)',
    es: { reason: 'Error al subir el archivo (archivo no admitido, dañado o demasiado grande)', remedy: 'Comprueba que el archivo es un PDF válido (hasta 100 MB) o una imagen JPEG/PNG (hasta 5 MB)' },
  },
  131057: {
    kind: 'transient',
    reason: 'The WhatsApp Business account is in maintenance mode (for example a throughput upgrade)',
    remedy: 'Nothing: retried automatically',
    es: { reason: 'La cuenta de WhatsApp Business está en mantenimiento (por ejemplo, una ampliación de capacidad)', remedy: 'Nada: se reintenta solo' },
  },
  131060: {
    kind: 'permanent',
    reason: "The customer's message is no longer available",
    remedy: 'Ask the customer to send it again',
    es: { reason: 'El mensaje del cliente ya no está disponible', remedy: 'Pide al cliente que lo vuelva a enviar' },
  },
  135000: {
    kind: 'permanent',
    reason: 'Generic user error (unknown problem with the request)',
    remedy: 'Check the request; contact Meta support if it persists',
    es: { reason: 'Error genérico de la petición (problema desconocido en los datos enviados)', remedy: 'Revisa la petición; contacta con el soporte de Meta si persiste' },
  },

  // ── Templates and Flows ────────────────────────────────────────────────────────────────────
  132000: {
    kind: 'permanent',
    reason: 'Wrong number of template parameters',
    remedy: 'Give the template as many parameters as the approved one has (metaParameters)',
    es: { reason: 'Número incorrecto de parámetros de la plantilla', remedy: 'Da a la plantilla tantos parámetros como tiene la aprobada (metaParameters)' },
  },
  132001: {
    kind: 'permanent',
    reason: 'The template does not exist in this language or is not approved',
    remedy: 'Check metaName and metaLanguage against WhatsApp Manager',
    es: { reason: 'La plantilla no existe en este idioma o no está aprobada', remedy: 'Compara metaName y metaLanguage con WhatsApp Manager' },
  },
  132005: {
    kind: 'permanent',
    reason: 'The template text is too long once filled in',
    remedy: 'Shorten the parameter values',
    es: { reason: 'El texto de la plantilla es demasiado largo una vez completado', remedy: 'Acorta los valores de los parámetros' },
  },
  132007: {
    kind: 'permanent',
    reason: 'Template content violates a WhatsApp policy',
    remedy: 'Edit the template in WhatsApp Manager',
    es: { reason: 'El contenido de la plantilla incumple una política de WhatsApp', remedy: 'Edita la plantilla en WhatsApp Manager' },
  },
  132008: {
    kind: 'permanent',
    reason: "The template's media format is not supported",
    remedy: "Use a supported image, video or document type in the template's header",
    es: { reason: 'El formato del archivo de la plantilla no es admitido', remedy: 'Usa un tipo de imagen, vídeo o documento admitido en el encabezado de la plantilla' },
  },
  132012: {
    kind: 'permanent',
    reason: 'Template parameter format mismatch',
    remedy: 'Match positional/named parameters (metaParameterFormat) with the approved template',
    es: { reason: 'El formato de los parámetros no coincide con la plantilla', remedy: 'Haz coincidir los parámetros posicionales o con nombre (metaParameterFormat) con la plantilla aprobada' },
  },
  132015: {
    kind: 'permanent',
    reason: 'The template is paused for low quality',
    remedy: 'Improve or replace the paused template',
    es: { reason: 'La plantilla está en pausa por baja calidad', remedy: 'Mejora o sustituye la plantilla en pausa' },
  },
  132016: {
    kind: 'permanent',
    reason: 'The template is disabled (paused too many times)',
    remedy: 'Create a new template with different content',
    es: { reason: 'La plantilla está desactivada (se pausó demasiadas veces)', remedy: 'Crea una plantilla nueva con otro contenido' },
  },
  132018: {
    kind: 'permanent',
    reason: 'Template parameter has newlines, tabs or too many spaces',
    remedy: 'Nothing for new messages: parameters are cleaned before sending',
    es: { reason: 'Un parámetro de la plantilla tiene saltos de línea, tabuladores o demasiados espacios', remedy: 'Nada para los mensajes nuevos: los parámetros se limpian antes de enviar' },
  },
  132068: {
    kind: 'permanent',
    reason: 'The WhatsApp Flow is blocked',
    remedy: 'Correct the Flow in WhatsApp Manager',
    es: { reason: 'El formulario (Flow) de WhatsApp está bloqueado', remedy: 'Corrige el Flow en WhatsApp Manager' },
  },

  // ── Phone number registration ──────────────────────────────────────────────────────────────
  133000: {
    kind: 'permanent',
    reason: 'Incomplete deregistration of the phone number',
    remedy: 'Deregister the number again, then register it',
    es: { reason: 'La baja del número de teléfono quedó incompleta', remedy: 'Vuelve a dar de baja el número y después regístralo' },
  },
  133004: {
    kind: 'transient',
    reason: 'WhatsApp server temporarily unavailable',
    remedy: 'Nothing: retried automatically',
    es: { reason: 'El servidor de WhatsApp no está disponible por ahora', remedy: 'Nada: se reintenta solo' },
  },
  133005: {
    kind: 'permanent',
    reason: 'Two-step verification PIN is incorrect',
    remedy: 'Enter the right PIN, or reset it in WhatsApp Manager',
    es: { reason: 'El PIN de verificación en dos pasos no es correcto', remedy: 'Escribe el PIN correcto o restablécelo en WhatsApp Manager' },
  },
  133006: {
    kind: 'permanent',
    reason: 'The phone number must be verified again before registering',
    remedy: 'Verify the number with the code sent by SMS or call, then register it',
    es: { reason: 'Hay que volver a verificar el número antes de registrarlo', remedy: 'Verifica el número con el código enviado por SMS o llamada y luego regístralo' },
  },
  133007: {
    kind: 'permanent',
    reason: 'The phone number account is blocked',
    remedy: 'Contact Meta support about the blocked number',
    es: { reason: 'La cuenta del número de teléfono está bloqueada', remedy: 'Contacta con el soporte de Meta por el número bloqueado' },
  },
  133008: {
    kind: 'rate-limited',
    reason: 'Too many two-step verification PIN attempts',
    remedy: "Wait the time given in Meta's details, then try the PIN again",
    es: { reason: 'Demasiados intentos del PIN de verificación en dos pasos', remedy: 'Espera el tiempo indicado en los detalles de Meta y vuelve a probar el PIN' },
  },
  133009: {
    kind: 'rate-limited',
    reason: 'Two-step verification PIN entered too quickly',
    remedy: 'Wait a moment before entering the PIN again',
    es: { reason: 'El PIN de verificación en dos pasos se introdujo demasiado rápido', remedy: 'Espera un momento antes de volver a introducir el PIN' },
  },
  133010: {
    kind: 'permanent',
    reason: 'The phone number is not registered on WhatsApp Business',
    remedy: 'Register the phone number in WhatsApp Manager',
    es: { reason: 'El número de teléfono no está registrado en WhatsApp Business', remedy: 'Registra el número de teléfono en WhatsApp Manager' },
  },
  133015: {
    kind: 'rate-limited',
    waitSeconds: 300,
    reason: 'The phone number was deleted recently and the deletion has not finished',
    remedy: 'Wait 5 minutes before registering the number again',
    es: { reason: 'El número se eliminó hace poco y la eliminación aún no terminó', remedy: 'Espera 5 minutos antes de volver a registrar el número' },
  },
  133016: {
    kind: 'rate-limited',
    waitSeconds: 259_200,
    reason: 'Too many register / deregister attempts for this phone number',
    remedy: 'Wait until the number is unblocked (up to 72 hours) before registering it again',
    es: { reason: 'Demasiados intentos de registrar o dar de baja este número', remedy: 'Espera a que el número se desbloquee (hasta 72 horas) antes de volver a registrarlo' },
  },
});
